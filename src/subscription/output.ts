export type Print = (line: string) => void;

export const say = (print: Print) => ({
  ok: (line: string) => print(`✓ ${line}`),
  fail: (line: string) => print(`✗ ${line}`),
  info: (line: string) => print(`  ${line}`),
  next: (line: string) => print(`→ ${line}`),
});

export type Say = ReturnType<typeof say>;

export const COMMAND = "npm run subscription --";
