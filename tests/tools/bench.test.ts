// `npm run bench` (tools/bench.ts): its arguments, and the verdict it gives of its rounds' figures
// against issue 15's goals (preview start-up at most 2x its floor, render 1.5x, npm test 30 s wall,
// the simulator 5 s at 128 services and at most 1.25x the cost per service x node of 32). The
// figures here are given, not measured: the bench itself measures, never the test suite.
import { strict as assert } from "assert";
import { BENCH, benchArgs, benchReport } from "../../tools/bench";
import { parseArgs, UsageError } from "../../tools/cli";

const argsOf = (argv: string[]) => benchArgs(parseArgs(BENCH, argv));
/** The line of the goal whose name starts with `goal`. */
const lineOf = (lines: readonly string[], goal: string) => lines.find((text) => text.startsWith(goal))!;

describe("npm run bench", () => {
    it("measures every goal on production over 3 rounds by default; --only and --rounds narrow it", () => {
        assert.deepEqual(argsOf([]), {
            rounds: 3,
            only: ["preview", "render", "test", "simulator"],
            stack: "production",
            loaders: [],
        });
        assert.deepEqual(argsOf(["staging", "--only", "test", "--rounds", "1"]), {
            rounds: 1,
            only: ["test"],
            stack: "staging",
            loaders: [],
        });
        assert.deepEqual(argsOf(["--loaders", "sucrase/register/ts"]).loaders, ["", "sucrase/register/ts"]);
    });

    it("refuses a round count that is not a whole number >= 1 and a goal it does not measure, naming the ones it does", () => {
        assert.throws(
            () => argsOf(["--rounds", "0"]),
            (error: Error) => error instanceof UsageError && error.message === "--rounds 0: give a whole number >= 1",
        );
        assert.throws(
            () => argsOf(["--only", "test,tests"]),
            (error: Error) =>
                error instanceof UsageError &&
                error.message === "--only test,tests: tests is not one of preview, render, test, simulator",
        );
    });

    it("npm test: the median of the rounds' wall times, PASS up to 30 s, FAIL and exit 1 beyond", () => {
        const args = argsOf(["--only", "test"]);
        const figures = (cold: number[]) => ({
            testCold: cold,
            testColdCpu: [55, 56, 57],
            test: [20, 21, 22],
            testCpu: [40, 41, 42],
        });
        const pass = benchReport(args, figures([31, 30, 29]), 0, new Map());
        assert.equal(pass.lines.length, 2, "only the goals measured");
        assert.match(
            lineOf(pass.lines, "npm test, nothing cached"),
            /^npm test, nothing cached \(wall; 56\.0 CPU s\) +30\.0 s .*goal <= 30 s +PASS$/,
        );
        assert.match(lineOf(pass.lines, "npm test, warm"), /21\.0 s .*PASS$/);
        assert.equal(pass.code, 0);
        const fail = benchReport(args, figures([29, 31, 32]), 0, new Map());
        assert.match(lineOf(fail.lines, "npm test, nothing cached"), / 31\.0 s .*FAIL$/);
        assert.equal(fail.code, 1);
    });

    it("preview start-up and render against the floor: at most 2x and 1.5x it", () => {
        const args = argsOf(["--only", "preview,render"]);
        const report = (preview: number, render: number) =>
            benchReport(
                args,
                { floor: [1.6, 1.6], preview: [preview, preview], render: [render, render] },
                92,
                new Map(),
            );
        const pass = report(3.2, 2.4);
        assert.match(
            lineOf(pass.lines, "preview start-up (92 resources, CPU)"),
            /3\.20 s +floor +1\.60 s +ratio +2\.00x +goal <= 2x +PASS$/,
        );
        assert.match(lineOf(pass.lines, "npm run render -- production (CPU)"), /ratio +1\.50x +goal <= 1\.5x +PASS$/);
        assert.equal(pass.code, 0);
        const fail = report(3.3, 2.5);
        assert.ok(
            fail.lines.every((text) => text.endsWith("FAIL")),
            fail.lines.join("\n"),
        );
        assert.equal(fail.code, 1);
    });

    it("the simulator: 128 services in at most 5 s, growing at most 1.25x per service x node; a loader compared has no goal", () => {
        const args = argsOf(["--only", "simulator", "--loaders", "esbuild-register"]);
        const report = benchReport(
            args,
            {
                simulator: [4.2, 5.4, 4.8],
                growth: [1.3, 1.1, 1.2],
                floor: [2],
                "\0cold": [2.2],
                "esbuild-register\0cold": [4],
            },
            92,
            new Map([["esbuild-register", "import() of index.ts failed"]]),
        );
        assert.match(lineOf(report.lines, "simulator, 128 services, 24 h (CPU)"), /4\.80 s .*goal <= 5 s +PASS$/);
        assert.match(lineOf(report.lines, "simulator cost/(services x nodes), 128 vs 32 svc"), /1\.20x .*PASS$/);
        const loader = lineOf(report.lines, "preview start-up via esbuild-register");
        assert.match(loader, /cold 4\.00 s \(2\.00x floor\) .*FAILED: import\(\) of index\.ts failed$/);
        assert.equal(report.code, 0, "a loader that fails is reported, not a FAIL");
    });
});
