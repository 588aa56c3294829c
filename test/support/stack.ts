import { createTestDatabase, type TestDatabase } from "./database.js";
import { startStack, type Stack, type StackOptions } from "./stack-core.js";

export { TEST_ADMIN_TOKEN, type ConnectOptions, type StackOptions } from "./stack-core.js";

export interface TestStack extends Stack {
  db: TestDatabase;
}

/** The whole system for an integration or browser test, on a fresh database dropped at stop. */
export async function startTestStack(opts: StackOptions = {}): Promise<TestStack> {
  const db = await createTestDatabase();
  const stack = await startStack(db.url, opts).catch(async (err: unknown) => {
    await db.destroy();
    throw err;
  });
  return {
    ...stack,
    db,
    async stop() {
      await stack.stop();
      await db.destroy();
    },
  };
}
