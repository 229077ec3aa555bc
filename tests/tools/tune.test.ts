// `npm run tune` (tools/tune.ts) on production with a narrowed search space (simulation.tuning in a
// copy of the stack file, some of the seed's misses cured there first, so each search is short): what
// it prints and writes, the proposal passing preview's checks and `simulate --check`, the no-solution
// path, usage mistakes, the headroom knob. What the search finds is tested on the result object
// (tests/simulator/tuner/search.test.ts).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { preflight } from "../../preflight";
import { SIMULATE, simulateMain } from "../../tools/simulate";
import { CommandRun, runCaptured } from "../helpers/commands";
import {
    CliRun,
    cliArgs,
    cliHash,
    cliProject,
    CLI_CASES,
    HELD,
    projectWith,
    runTune as run,
    TUNE_HASHES_FILE,
} from "../helpers/tune-hashes";

const ROOT = path.join(__dirname, "..", "..");

/** `npm run simulate -- production --check` on the stack file in `dir`. */
function simulateCheck(dir: string): Promise<CommandRun> {
    return runCaptured(SIMULATE, simulateMain, ["production", "--check"], dir);
}

const HASHES = JSON.parse(fs.readFileSync(TUNE_HASHES_FILE, "utf8")) as Record<string, string>;

describe("npm run tune (production, agent-orchestrator's settings, web-dashboard's flipping cured in the stack file)", function () {
    this.timeout(600000);
    const name = "production agent-orchestrator with web-dashboard cured";
    let dir: string;
    let result: { code: number; out: string; err: string };
    let stackText: string;
    let proposal: string;

    before(async () => {
        dir = cliProject(name);
        stackText = fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8");
        result = await run(cliArgs(CLI_CASES[name]), dir);
        proposal = fs.readFileSync(path.join(dir, "out", "production", "tune", "Pulumi.production.yaml"), "utf8");
    });

    it("exits 0, prints the dimensions it searched and a before/after table, and never edits the stack file", () => {
        assert.equal(result.code, 0, result.out + result.err);
        assert.match(
            result.out,
            /dimensions and values tried:\n(.|\n)*services\.agent-orchestrator\.behavior\.scaleDown\.stabilizationWindowSeconds: 300, 420/,
        );
        assert.match(result.out, /Before \/ after:(.|\n)*responseSeconds +spike +agent-orchestrator +240 +\d+ MISSED/);
        assert.match(result.out, /monthly cost at min \/ max nodes +capacity/);
        assert.equal(fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8"), stackText);
        assert.match(result.err, /tuning production: done/, "plain progress lines when stderr is not a terminal");
    });

    it("prints and writes what it did before (tests/fixtures/tune-hashes.json)", () => {
        assert.equal(cliHash(result, dir), HASHES[`cli ${name}`]);
    });

    it("the proposal passes preview's checks with no finding about a key the search changes (the seed's two quota warnings gone)", () => {
        const searched = /namespace\.quota|services\.|nodeGroups\./;
        const findings = (text: string) => {
            const config = (YAML.parse(text) as { config: Record<string, unknown> }).config;
            const raw = Object.fromEntries(
                Object.entries(config)
                    .filter(([key]) => key.startsWith("berrys-platform:"))
                    .map(([key, value]) => [key.slice("berrys-platform:".length), value]),
            );
            const checked = preflight(raw, { stack: "production", region: String(config["aws:region"]) });
            return (checked.ok ? checked.warnings : checked.errors).filter((message) => searched.test(message));
        };
        assert.equal(findings(stackText).length, 2, findings(stackText).join("\n"));
        assert.deepEqual(findings(proposal), []);
    });

    it("production's spike: the proposal's scale-up window change with its cost and margin; headroom not tried with --service", () => {
        const section = result.out.slice(result.out.indexOf("Spike: headroom or faster scale-up"));
        assert.match(section, /headroom: not tried \(.*--service is given/);
        assert.match(
            section,
            /scale-up changes of the proposal: .*agent-orchestrator\.behavior\.scaleUp\.stabilizationWindowSeconds: 60 -> 0.*\n {4}(costs nothing|costs \$\d+\.\d\d\/month|saves \$\d+\.\d\d\/month); least margin \S+ \d+ s of 240 s/,
        );
    });

    it("keeps every comment of the stack file and changes only the lines the diff shows", () => {
        const comments = stackText.split("\n").filter((line) => line.trim().startsWith("#"));
        assert.ok(comments.length > 5);
        for (const comment of comments) assert.ok(proposal.includes(comment), `lost: ${comment}`);
        const diff = fs.readFileSync(
            path.join(dir, "out", "production", "tune", "Pulumi.production.yaml.diff"),
            "utf8",
        );
        const removed = diff
            .split("\n")
            .filter((line) => line.startsWith("-") && !line.startsWith("---"))
            .map((line) => line.slice(1));
        const added = diff
            .split("\n")
            .filter((line) => line.startsWith("+") && !line.startsWith("+++"))
            .map((line) => line.slice(1));
        const before = stackText.split("\n");
        const after = proposal.split("\n");
        assert.equal(before.length, after.length, "values change in place");
        const differing = before.map((line, i) => [line, after[i]]).filter(([a, b]) => a !== b);
        assert.deepEqual(
            differing.map(([a]) => a),
            removed,
        );
        assert.deepEqual(
            differing.map(([, b]) => b),
            added,
        );
    });

    it("simulate --check passes on the proposal", async () => {
        const check = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-tune-check-"));
        fs.writeFileSync(path.join(check, "Pulumi.production.yaml"), proposal);
        const { code, out } = await simulateCheck(check);
        assert.equal(
            code,
            0,
            out
                .split("\n")
                .filter((line) => /MISSED|check:/.test(line))
                .join("\n"),
        );
    });
});

describe("npm run tune: no configuration meets every criterion", function () {
    this.timeout(600000);
    // Only agent-orchestrator's settings may change: web-dashboard keeps flipping on the oscillating load.
    const name = "production narrow agent-orchestrator";

    it("exits 1, prints the closest configuration and the criteria it still misses, writes no proposal, removes an earlier one", async () => {
        const dir = cliProject(name);
        const stale = path.join(dir, "out", "production", "tune");
        fs.mkdirSync(stale, { recursive: true });
        fs.writeFileSync(path.join(stale, "Pulumi.production.yaml"), "an earlier proposal\n");
        const first = await run(cliArgs(CLI_CASES[name]), dir);
        assert.equal(first.code, 1, first.out + first.err);
        assert.match(first.out, /No configuration within the bounds meets every criterion/);
        assert.match(
            first.out,
            /still misses:\n(.|\n)*oscillating: MISSED berrys-platform:simulation\.criteria\.maxDirectionChangesPerHour \(4\): web-dashboard/,
        );
        assert.match(first.out, /The closest one found changes:\n(.|\n)*namespace\.quota\.limits\.cpu: "32" -> "58"/);
        assert.equal(
            fs.existsSync(path.join(stale, "Pulumi.production.yaml")),
            false,
            "no proposal, not even an earlier one",
        );
        assert.equal(fs.existsSync(path.join(stale, "Pulumi.production.yaml.diff")), false);
        // The pin also shows the run deterministic: the same output as when it was written.
        assert.equal(cliHash(first, dir), HASHES[`cli ${name}`]);
    });

    it("refuses a usage mistake with exit 2", async () => {
        const dir = cliProject(name);
        assert.equal((await run(["production", "--objective", "speed"], dir)).code, 2);
        assert.equal((await run(["production", "--service", "billing"], dir)).code, 2);
        assert.equal((await run(["production", "--label", "app"], dir)).code, 2);
    });

    it("a stack preview refuses (a target search without the load model pinned) exits 1 with preview's message", async () => {
        const dir = projectWith({ services: { "api-gateway": { targets: { cpu: { min: 60, max: 80 } } } } });
        const result = await run(["production"], dir);
        assert.equal(result.code, 1);
        assert.match(
            result.err,
            /simulation\.tuning\.services\.api-gateway\.targets\.cpu searches a target, but (.|\n)*npm run tune starts from a stack that preview accepts/,
        );
    });
});

describe("npm run tune: headroom as a knob (production, scale-up windows held, the seed's other misses cured)", function () {
    this.timeout(600000);
    const name = "production held headroom";
    let dir: string;
    let result: CliRun;
    let proposal: string;

    before(async () => {
        dir = cliProject(name);
        result = await run(cliArgs(CLI_CASES[name]), dir);
        proposal = fs.readFileSync(path.join(dir, "out", "production", "tune", "Pulumi.production.yaml"), "utf8");
    });

    it("the proposal takes headroom, the cheapest way left to meet the spike, with its cost", () => {
        assert.equal(result.code, 0, result.out);
        const headroom = (YAML.parse(proposal).config["berrys-platform:addons"] ?? {}).clusterAutoscaler?.headroom;
        assert.ok(
            HELD.headroom.some((size) => JSON.stringify(size) === JSON.stringify(headroom)),
            proposal,
        );
        assert.match(
            result.out,
            /berrys-platform:addons\.clusterAutoscaler\.headroom: \(unset\) -> \{.*\}: costs \$\d+\.\d\d\/month .*fixes responseSeconds/,
        );
    });

    it("prints and writes what it did before (tests/fixtures/tune-hashes.json)", () => {
        assert.equal(cliHash(result, dir), HASHES[`cli ${name}`]);
    });

    it("simulate --check passes on the proposal", async () => {
        const check = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-tune-headroom-check-"));
        fs.writeFileSync(path.join(check, "Pulumi.production.yaml"), proposal);
        const checked = await simulateCheck(check);
        assert.equal(
            checked.code,
            0,
            checked.out
                .split("\n")
                .filter((line) => /MISSED|check:/.test(line))
                .join("\n"),
        );
    });

    it("reports the smallest headroom that meets the spike with 20 % to spare, with its cost and margin, beside no scale-up change", () => {
        const section = result.out.slice(result.out.indexOf("Spike: headroom or faster scale-up"));
        const headroom =
            /headroom \(the smallest meeting every spike response with 20 % to spare\): berrys-platform:addons\.clusterAutoscaler\.headroom: \(unset\) -> \{.*\}\n {4}costs \$(\d+\.\d\d)\/month; least margin (\S+) (\d+) s of 240 s \((\d+) s to spare\)/.exec(
                section,
            );
        assert.ok(headroom !== null, section);
        assert.ok(Number(headroom[3]) <= 192 && Number(headroom[4]) >= 48, headroom[0]);
        assert.match(section, /scale-up changes of the proposal: none/);
    });
});

describe("npm run tune --help", () => {
    it("documents the headroom knob: the key, its sizes, its cost", async () => {
        const { code, out } = await run(["--help"], ROOT);
        assert.equal(code, 0);
        assert.match(out, /addons\.clusterAutoscaler\.headroom among simulation\.tuning\.headroom's sizes/);
        assert.match(out, /whose cost is the nodes its placeholder pods keep/);
    });
});
