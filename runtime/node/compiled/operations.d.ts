/** One operation's types: path parameters, request body, body by status. */
export interface OperationTypes {
    params: {
        [name: string]: string | number;
    };
    request: unknown;
    responses: {
        [status: number]: unknown;
    };
}
/** Every operation of the catalogue by its id (the generated package lists them). */
export type Operations = Record<string, OperationTypes>;
export type OperationId = keyof Operations & string;
