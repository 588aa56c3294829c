import { createTestDatabase } from "./database.js";
import { startStack, type Stack, type StackOptions } from "./stack-core.js";

export type { Stack as TestStack, StackOptions } from "./stack-core.js";

/** The whole system for an integration or browser test, on a fresh database dropped at stop. */
export async function startTestStack(opts: StackOptions = {}): Promise<Stack> {
  const db = await createTestDatabase();
  const stack = await startStack(db.url, opts).catch(async (err: unknown) => {
    await db.destroy();
    throw err;
  });
  return {
    ...stack,
    async stop() {
      await stack.stop();
      await db.destroy();
    },
  };
}
