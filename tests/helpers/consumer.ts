// Runs examples/consumer/index.ts (an app team's program) under Pulumi's mocks, its
// StackReference answered with a berrys-platform stack's outputs from a mocked run of that stack.
import * as path from "path";
import { MockRun, runWithMocks, withoutStackTraces } from "../../tools/mock-engine";
import { PROJECT_DIR } from "../../tools/stack-files";

export const CONSUMER_PROGRAM = path.join(PROJECT_DIR, "examples", "consumer", "index.ts");

/** The stack the example reads: `new pulumi.StackReference("acme/berrys-platform/production")`. */
export const CONSUMER_REFERENCE = "acme/berrys-platform/production";

/** Runs the consumer with `platformOutputs` as the referenced stack's outputs. */
export function runConsumer(platformOutputs: Record<string, unknown>): Promise<MockRun> {
    return withoutStackTraces(() =>
        runWithMocks({
            stack: "consumer",
            config: {},
            stackReferences: { [CONSUMER_REFERENCE]: platformOutputs },
            // A top-level program registers its resources when loaded: load it afresh for every run.
            loadProgram: async () => {
                delete require.cache[require.resolve(CONSUMER_PROGRAM)];
                // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh load, after the cache entry is dropped
                require(CONSUMER_PROGRAM);
                return () => ({});
            },
        }),
    );
}
