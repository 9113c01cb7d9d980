// Tests read data files as text through Vite's `?raw` import suffix (vitest), so this package needs
// no Node types (`types: []`). Only *.test.ts files use it.
declare module '*?raw' {
  const text: string;
  export default text;
}
