// Types the generated modules and the runtime share.
export {};
