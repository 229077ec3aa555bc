// `npm run tune` (simulator/tune.ts, tools/tune.ts) on production with a narrowed search space
// (simulation.tuning in a copy of the stack file), so the suite runs a real search in seconds:
// the proposal, its local guarantee checked independently of the tuner, the proposal passing
// preview's checks and `simulate --check`, the no-solution path, determinism.
import { strict as assert } from "assert";
import { stackConfig } from "../helpers/stacks";
import { standardSupportCheck } from "../../components/kubernetes-version";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { hourlyPrice } from "../../catalog/prices";
import { preflight } from "../../preflight";
import { serviceModels } from "../../simulator/service-model";
import { profile } from "../../simulator/profiles";
import { evaluateCriteria } from "../../simulator/report";
import { simulate } from "../../simulator/run";
import { runCommand } from "../../tools/cli";
import { SIMULATE, simulateMain } from "../../tools/simulate";
import { readStackFile } from "../../tools/stack-files";
import { cliHash, NARROW, projectWith, runTune as run, TUNE_HASHES_FILE } from "../helpers/tune-hashes";

const HASHES = JSON.parse(fs.readFileSync(TUNE_HASHES_FILE, "utf8")) as Record<string, string>;

/** Criteria and monthly cost of a stack file's text, computed here with the simulator's own pieces, at the baseline's load. */
function verdict(
    text: string,
    baselineRaw: Record<string, unknown>,
): { problems: string[]; missed: string[]; cost: number } {
    const config = (YAML.parse(text) as { config: Record<string, unknown> }).config;
    const raw = Object.fromEntries(
        Object.entries(config)
            .filter(([key]) => key.startsWith("berrys-platform:"))
            .map(([key, value]) => [key.slice(16), value]),
    );
    const context = { stack: "production", region: String(config["aws:region"]) };
    const checked = preflight(raw, context);
    const problems = (checked.ok ? checked.warnings : checked.errors).filter(
        (message) => !message.includes("RFC 5737"),
    );
    if (!checked.ok) return { problems, missed: [], cost: Number.POSITIVE_INFINITY };
    const base = preflight(baselineRaw, context);
    const baseModels = serviceModels(base.ok ? base.config : checked.config);
    const missed: string[] = [];
    let dollars = 0;
    let hours = 0;
    for (const name of ["spike", "oscillating", "day", "ramp"] as const) {
        // At the stack file's load levels, as the tuner plays them: each service's load from its baseline model.
        const loaded = profile(name, 1);
        const result = simulate(checked.config, {
            ...loaded,
            load: (_model, index, t) => loaded.load(baseModels[index], index, t),
        });
        missed.push(
            ...evaluateCriteria(checked.config, result)
                .filter((criterion) => !criterion.ok)
                .map((criterion) => criterion.message),
        );
        if (name === "day") {
            const price = hourlyPrice(checked.config.nodeGroups["default-node-group"].instanceTypes[0])!;
            dollars = result.nodes.reduce((sum, nodes) => sum + nodes, 0) * (result.recordSeconds / 3600) * price;
            hours = (result.times.length * result.recordSeconds) / 3600;
        }
    }
    return { problems, missed, cost: Math.round((dollars / hours) * 730 * 100) / 100 };
}

describe("npm run tune (production, narrowed search space)", function () {
    this.timeout(600000);
    let dir: string;
    let result: { code: number; out: string; err: string };
    let stackText: string;
    let proposal: string;

    before(async () => {
        dir = projectWith(NARROW);
        stackText = fs.readFileSync(path.join(dir, "Pulumi.production.yaml"), "utf8");
        result = await run(["production"], dir);
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
        assert.equal(cliHash(result, dir), HASHES["cli production narrow cost"]);
    });

    it("fixes the seed's misses: the proposal meets every criterion and passes preview's checks with no capacity warning", () => {
        const before = verdict(stackText, readStackFile("production", dir).projectConfig);
        assert.ok(
            before.missed.some((message) => /responseSeconds \(240\): agent-orchestrator/.test(message)),
            before.missed.join("\n"),
        );
        assert.ok(
            before.missed.some((message) => /maxDirectionChangesPerHour \(4\): web-dashboard/.test(message)),
            before.missed.join("\n"),
        );
        // The notice of the minor's end of standard support depends on the day, and no tuning removes it: left out.
        const notices = standardSupportCheck(stackConfig("production")).warnings;
        const undated = (problems: string[]) => problems.filter((problem) => !notices.includes(problem));
        assert.equal(undated(before.problems).length, 2, "the seed's two quota warnings");
        const after = verdict(proposal, readStackFile("production", dir).projectConfig);
        assert.deepEqual([undated(after.problems), after.missed], [[], []]);
    });

    it("the local guarantee: undo any one change of the proposal and a criterion fails, a check warns, or the cost rises", () => {
        const baselineRaw = readStackFile("production", dir).projectConfig;
        const proposed = verdict(proposal, baselineRaw);
        const changed = result.out
            .split("\n")
            .filter((line) => /^ {2}berrys-platform:.*: .* -> .*: (costs|saves)/.test(line));
        assert.ok(changed.length >= 3, result.out);
        for (const line of changed) {
            const [, key, from] = /^ {2}berrys-platform:(\S+): (.+?) -> /.exec(line)!;
            const keyPath = key.split(".");
            // "namespace.quota.limits.cpu": the quota keys hold dots.
            const pathInConfig =
                keyPath[0] === "namespace"
                    ? ["namespace", "quota", keyPath.slice(2).join(".")]
                    : keyPath.map((part) => (/^\d+$/.test(part) ? Number(part) : part));
            const document = YAML.parseDocument(proposal);
            document.setIn(
                ["config", `berrys-platform:${pathInConfig[0]}`, ...pathInConfig.slice(1)],
                JSON.parse(from),
            );
            const undone = verdict(document.toString(), baselineRaw);
            assert.ok(
                undone.problems.length > 0 || undone.missed.length > 0 || undone.cost > proposed.cost,
                `undoing ${key} (back to ${from}) keeps every criterion and costs ${undone.cost} <= ${proposed.cost}`,
            );
        }
    });

    it("production's spike: the smallest headroom meeting 240 s with 20 % to spare, next to the proposal's scale-up window change, each with its cost and margin", () => {
        const section = result.out.slice(result.out.indexOf("Spike: headroom or faster scale-up"));
        assert.match(
            section,
            /headroom \(the smallest meeting every spike response with 20 % to spare\): berrys-platform:addons\.clusterAutoscaler\.headroom: \(unset\) -> \{.*\}\n {4}costs \$\d+\.\d\d\/month; least margin \S+ \d+ s of 240 s \(\d+ s to spare\)/,
        );
        assert.match(
            section,
            /scale-up changes of the proposal: .*agent-orchestrator\.behavior\.scaleUp\.stabilizationWindowSeconds: 60 -> 0.*\n {4}(costs|saves) \$\d+\.\d\d\/month; least margin/,
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
        let out = "";
        const code = await runCommand(SIMULATE, simulateMain, ["production", "--check"], {
            out: (text) => {
                out += text;
            },
            err: () => undefined,
            projectDir: check,
            cwd: check,
        });
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
    const tuning = NARROW;

    it("exits 1, prints the closest configuration and the criteria it still misses, writes no proposal; the same run twice prints the same", async () => {
        const dir = projectWith(tuning);
        const stale = path.join(dir, "out", "production", "tune");
        fs.mkdirSync(stale, { recursive: true });
        fs.writeFileSync(path.join(stale, "Pulumi.production.yaml"), "an earlier proposal\n");
        const first = await run(["production", "--service", "agent-orchestrator"], dir);
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
        const second = await run(["production", "--service", "agent-orchestrator"], dir);
        const stable = (text: string) => text.replace(/ in \d+\.\d s/, "");
        assert.equal(stable(second.out), stable(first.out), "deterministic for a given stack file and seed");
        assert.equal(cliHash(first, dir), HASHES["cli production narrow agent-orchestrator"]);
    });

    it("refuses a usage mistake with exit 2", async () => {
        const dir = projectWith(tuning);
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
