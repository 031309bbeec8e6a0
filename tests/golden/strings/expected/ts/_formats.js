// Copied by `contracts generate`. Do not edit. (Types only: see _formats.d.ts.)
export {};
