/** The phantom marker that carries a contract method's output type (shared by contract.ts and its parts). */
declare const outputBrand: unique symbol;
export type Out<T> = { readonly [outputBrand]?: T };
export const out = <T>(): Out<T> => ({}) as Out<T>;
