// Types of express_app.mjs for the TypeScript tests.
import type { Express } from "express";

export declare function createExpressApp(): Express;
