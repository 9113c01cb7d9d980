// Tests load fixture files as text with Vite's `?raw` import suffix (vitest), so core keeps compiling
// without Node types (`types: []`). Only *.test.ts files use it.
declare module '*?raw' {
  const text: string;
  export default text;
}
