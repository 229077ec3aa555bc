// tools/mock-engine.ts withoutStackTraces, which render and the tests' mocked runs go through:
// cheaper runs must not cost a failing run its stack trace, nor hide a failure.
import { strict as assert } from "assert";
import { withoutStackTraces } from "../../tools/mock-engine";

describe("tools/mock-engine.ts withoutStackTraces", () => {
    it("runs a passing run once, capturing no stack traces, and restores the limit", async () => {
        const before = Error.stackTraceLimit;
        const limits: number[] = [];
        const value = await withoutStackTraces(async () => {
            limits.push(Error.stackTraceLimit);
            return 42;
        });
        assert.equal(value, 42);
        assert.deepEqual(limits, [0]);
        assert.equal(Error.stackTraceLimit, before);
    });

    it("rejects a failing run with the error of a run again with stack traces", async () => {
        await assert.rejects(
            withoutStackTraces(async () => {
                throw new Error("refused");
            }),
            (error: Error) => /refused\n\s+at /.test(error.stack ?? ""),
        );
    });

    it("still fails a run that fails only the first time", async () => {
        let runs = 0;
        await assert.rejects(
            withoutStackTraces(async () => {
                runs += 1;
                if (runs === 1) throw new Error("first run");
            }),
            /first run/,
        );
        assert.equal(runs, 2);
    });
});
