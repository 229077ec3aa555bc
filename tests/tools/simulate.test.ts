// simulate as a user meets it (tools/simulate.ts): --load files and where they are looked for,
// which earlier results a run replaces and which it keeps, what it refuses as preview does, and
// --check's exit codes for CI. Each case runs the command in-process in a throw-away copy of the
// fixture stacks, so nothing is written into this checkout's out/.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { standardSupportCheck } from "../../components/kubernetes-version";
import { SIMULATE, simulateMain } from "../../tools/simulate";
import { CommandRun, fixtureStackText, projectWith, runCaptured } from "../helpers/commands";
import { stackConfig } from "../helpers/stacks";

const PRODUCTION = fixtureStackText("production");
const STAGING = fixtureStackText("staging");

/** simulate with `argv` in `dirs.projectDir`, the user in `dirs.cwd` (default: the project dir). */
function run(argv: string[], dirs: { projectDir: string; cwd?: string }): Promise<CommandRun> {
    return runCaptured(SIMULATE, simulateMain, argv, dirs.projectDir, { cwd: dirs.cwd });
}

describe("simulate --load: the path and the file", () => {
    it("a header-only, one-row or semicolon/tab-separated CSV is a clear error, exit 1, no stack trace", async () => {
        const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-load-"));
        const dir = projectWith({ "Pulumi.staging.yaml": STAGING });
        const cases: [string, string, RegExp][] = [
            [
                "header.csv",
                "seconds,api-gateway\n",
                /^--load header\.csv: the load CSV has a header but no rows: add at least two rows/,
            ],
            [
                "one.csv",
                "seconds,api-gateway\n0,100\n",
                /^--load one\.csv: the load CSV has one row \(at 0 s\): add at least two/,
            ],
            [
                "same.csv",
                "seconds,api-gateway\n60,100\n60,200\n",
                /^--load same\.csv: the load CSV's rows are all at 60 s/,
            ],
            [
                "semicolon.csv",
                "seconds;api-gateway\n0;100\n60;200\n",
                /^--load semicolon\.csv: the load CSV separates its cells with ";": use commas/,
            ],
            [
                "tabs.csv",
                "seconds\tapi-gateway\n0\t100\n60\t200\n",
                /^--load tabs\.csv: the load CSV separates its cells with tabs: use commas/,
            ],
            ["empty.csv", "# nothing yet\n", /^--load empty\.csv: the load CSV has no rows/],
        ];
        try {
            for (const [file, text, message] of cases) {
                fs.writeFileSync(path.join(cwd, file), text);
                const result = await run(["staging", "--load", file], { projectDir: dir, cwd });
                assert.equal(result.code, 1, file);
                assert.match(result.err, message);
                assert.doesNotMatch(result.err, /\n\s+at /, `${file}: a stack trace`);
            }
        } finally {
            fs.rmSync(cwd, { recursive: true, force: true });
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("resolves a relative --load against the directory npm was run from", async () => {
        const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-load-"));
        const dir = projectWith({ "Pulumi.staging.yaml": STAGING });
        try {
            fs.writeFileSync(path.join(cwd, "gateway.csv"), "seconds,load\n0,100\n300,200\n");
            const result = await run(["staging", "--load", "gateway.csv", "--service", "api-gateway"], {
                projectDir: dir,
                cwd,
            });
            assert.equal(result.code, 0, result.err);
            assert.match(result.out, /staging, profile gateway: real traffic from a CSV \(2 rows, api-gateway\)/);
            assert.ok(fs.existsSync(path.join(dir, "out", "staging", "simulation", "gateway-api-gateway.svg")));
            const missing = await run(["staging", "--load", "nope.csv", "--service", "api-gateway"], {
                projectDir: dir,
                cwd,
            });
            assert.equal(missing.code, 1);
            assert.match(
                missing.err,
                new RegExp(
                    `^--load nope\\.csv: no such file \\(looked for ${path.join(cwd, "nope.csv").replace(/[.]/g, "\\.")}\\)`,
                ),
            );
        } finally {
            fs.rmSync(cwd, { recursive: true, force: true });
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("simulate deletes nothing it did not replace", () => {
    let dir: string;
    let cwd: string;
    const out = (...parts: string[]) => path.join(dir, "out", "staging", "simulation", ...parts);
    beforeEach(() => {
        dir = projectWith({ "Pulumi.staging.yaml": STAGING });
        cwd = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-load-"));
        fs.mkdirSync(out(), { recursive: true });
        for (const file of ["spike.json", "spike-api-gateway.svg", "spike-web-dashboard.svg"])
            fs.writeFileSync(out(file), "from an earlier run\n");
    });
    afterEach(() => {
        fs.rmSync(dir, { recursive: true, force: true });
        fs.rmSync(cwd, { recursive: true, force: true });
    });

    it("--load with a missing file keeps the earlier results and blames the file, not the stack file", async () => {
        const result = await run(["staging", "--load", "missing.csv"], {
            projectDir: dir,
            cwd,
        });
        assert.equal(result.code, 1);
        assert.match(result.err, /^--load missing\.csv: no such file/);
        assert.doesNotMatch(result.err, /stack file|removed/);
        for (const file of ["spike.json", "spike-api-gateway.svg", "spike-web-dashboard.svg"]) {
            assert.equal(fs.readFileSync(out(file), "utf8"), "from an earlier run\n", file);
        }
    });

    it("--service api-gateway replaces the profile's JSON and api-gateway's chart and keeps the other services' charts", async () => {
        const result = await run(["staging", "--profile", "spike", "--service", "api-gateway"], { projectDir: dir });
        assert.equal(result.code, 0, result.err);
        assert.notEqual(fs.readFileSync(out("spike.json"), "utf8"), "from an earlier run\n");
        // The spike's chart draws the responseSeconds limit the spike is checked against.
        assert.match(fs.readFileSync(out("spike-api-gateway.svg"), "utf8"), /^<svg [\s\S]*<g class="criterion-limit">/);
        assert.equal(fs.readFileSync(out("spike-web-dashboard.svg"), "utf8"), "from an earlier run\n");
    });
});

describe("simulate refuses what preview refuses", () => {
    it("a capacity error (production with warnings made errors) is not simulated: the same message as preview, exit 1", async () => {
        const strict = PRODUCTION.replace("    warningsAsErrors: false\n", "    warningsAsErrors: true\n");
        assert.notEqual(strict, PRODUCTION);
        const dir = projectWith({ "Pulumi.production.yaml": strict });
        try {
            const result = await run(["production", "--profile", "spike"], { projectDir: dir });
            assert.equal(result.code, 1);
            assert.equal(result.out, "");
            // The two quota warnings, the placeholder CIDR's and the minor's day-dependent end-of-support notice.
            assert.match(
                result.err,
                new RegExp(
                    `^Capacity check failed \\(${3 + standardSupportCheck(stackConfig("production")).warnings.length} errors`,
                ),
            );
            assert.match(result.err, /raise berrys-platform:namespace\.quota\.limits\.cpu to 45\.5/);
            assert.ok(!fs.existsSync(path.join(dir, "out", "production", "simulation", "spike.json")));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("simulate refuses an instance type the capacity table lacks, as preview does", () => {
    it("exits 1 with the key to set (guardrails.instanceTypes) instead of crashing in the simulator", async () => {
        const dir = projectWith({
            "Pulumi.staging.yaml": STAGING.replace("instanceTypes: [m6i.xlarge]", "instanceTypes: [m6i.9xlarge]"),
        });
        try {
            const result = await run(["staging", "--profile", "spike"], { projectDir: dir });
            assert.equal(result.code, 1);
            assert.match(result.err, /m6i\.9xlarge/);
            assert.match(result.err, /guardrails\.instanceTypes/);
            assert.doesNotMatch(result.err, /\n\s+at /, `a stack trace:\n${result.err}`);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("simulate --check, for CI", () => {
    // A copy of the repository's stack files, so the runs do not write into this checkout's out/.
    let dir: string;
    before(() => {
        dir = projectWith({ "Pulumi.production.yaml": PRODUCTION, "Pulumi.staging.yaml": STAGING });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("exits 1 when a criterion is missed (production's spike: agent-orchestrator 260 s against 240 s), each on a MISSED line, and ends with the summary by service and the misses named", async () => {
        const result = await run(["production", "--profile", "spike", "--check", "--service", "agent-orchestrator"], {
            projectDir: dir,
        });
        assert.equal(result.code, 1, result.err);
        assert.match(
            result.out,
            /^ {2}MISSED berrys-platform:simulation\.criteria\.responseSeconds \(240\): agent-orchestrator /m,
        );
        // The report ends with the summary by service, then the verdict naming each miss.
        assert.match(
            result.out,
            /\nSummary: criteria met and missed by service \(profiles: spike\)\n {2}service +met +missed +missed criteria\n {2}agent-orchestrator +1 +1 +responseSeconds on spike \(\d+ > 240\)\n\n/,
        );
        assert.match(
            result.out,
            /\ncheck: 1 criterion MISSED: agent-orchestrator responseSeconds on spike \(\d+ > 240\)\n$/,
        );
    });

    it("exits 0 when every criterion is met (staging, tuned to meet them) and without --check whatever the verdict", async () => {
        const staging = await run(["staging", "--profile", "spike", "--check"], {
            projectDir: dir,
        });
        assert.equal(staging.code, 0, staging.out);
        assert.match(staging.out, /check: every criterion met\n$/);
        // Every service of the stack has its row, met and missed counted.
        const summary = staging.out.slice(staging.out.lastIndexOf("Summary: criteria met and missed by service"));
        for (const service of ["agent-orchestrator", "model-orchestration", "api-gateway", "web-dashboard"]) {
            assert.match(summary, new RegExp(`\\n {2}${service} +[1-9]\\d* +0\\n`), summary);
        }
        const unchecked = await run(["production", "--profile", "spike", "--service", "agent-orchestrator"], {
            projectDir: dir,
        });
        assert.equal(unchecked.code, 0);
        assert.match(unchecked.out, /MISSED/);
    });
});
