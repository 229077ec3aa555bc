// The tuner's headroom knob (simulation.tuning.headroom): on production with the scale-up windows
// held, the spike can only be met with headroom, so the proposal takes it, `simulate --check`
// verifies it, and the report sets the spike's two cures side by side with cost and margin.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { CommandContext, runCommand } from "../../tools/cli";
import { SIMULATE, simulateMain } from "../../tools/simulate";
import { TUNE, tuneMain } from "../../tools/tune";
import { FIXTURE_STACKS_DIR } from "../helpers/stacks";
import { cliHash, HELD, TUNE_HASHES_FILE } from "../helpers/tune-hashes";

const ROOT = path.join(__dirname, "..", "..");

async function run(
    command: typeof TUNE,
    main: typeof tuneMain | typeof simulateMain,
    argv: string[],
    dir: string,
): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    const context: CommandContext = {
        out: (text) => {
            out += text;
        },
        err: () => undefined,
        projectDir: dir,
        cwd: dir,
    };
    return { code: await runCommand(command, main as typeof tuneMain, argv, context), out, err: "" };
}

describe("npm run tune: headroom as a knob (production, scale-up windows held)", function () {
    this.timeout(600000);
    let dir: string;
    let result: { code: number; out: string; err: string };
    let proposal: string;

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-tune-headroom-"));
        const document = YAML.parseDocument(
            fs.readFileSync(path.join(FIXTURE_STACKS_DIR, "Pulumi.production.yaml"), "utf8"),
        );
        document.setIn(["config", "berrys-platform:simulation"], { tuning: HELD });
        fs.writeFileSync(path.join(dir, "Pulumi.production.yaml"), document.toString({ lineWidth: 0 }));
        result = await run(TUNE, tuneMain, ["production"], dir);
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
        const hashes = JSON.parse(fs.readFileSync(TUNE_HASHES_FILE, "utf8")) as Record<string, string>;
        assert.equal(cliHash(result, dir), hashes["cli production held headroom"]);
    });

    it("simulate --check passes on the proposal", async () => {
        const check = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-tune-headroom-check-"));
        fs.writeFileSync(path.join(check, "Pulumi.production.yaml"), proposal);
        const checked = await run(SIMULATE, simulateMain, ["production", "--check"], check);
        assert.equal(
            checked.code,
            0,
            checked.out
                .split("\n")
                .filter((line) => /MISSED|check:/.test(line))
                .join("\n"),
        );
    });

    it("reports the smallest headroom that meets the spike with 20 % to spare, beside the proposal's scale-up changes, each with cost and margin", () => {
        const section = result.out.slice(result.out.indexOf("Spike: headroom or faster scale-up"));
        const headroom =
            /headroom \(the smallest meeting every spike response with 20 % to spare\): .*\n {4}costs \$(\d+\.\d\d)\/month; least margin (\S+) (\d+) s of 240 s \((\d+) s to spare\)/.exec(
                section,
            );
        assert.ok(headroom !== null, section);
        assert.ok(Number(headroom[3]) <= 192 && Number(headroom[4]) >= 48, headroom[0]);
        assert.match(
            section,
            /scale-up changes of the proposal: .*\n {4}(costs|saves) \$\d+\.\d\d\/month; least margin \S+ \d+ s of 240 s/,
        );
    });
});

describe("npm run tune --help", () => {
    it("documents the headroom knob: the key, its sizes, its cost", async () => {
        const { code, out } = await run(TUNE, tuneMain, ["--help"], ROOT);
        assert.equal(code, 0);
        assert.match(out, /addons\.clusterAutoscaler\.headroom among simulation\.tuning\.headroom's sizes/);
        assert.match(out, /whose cost is the nodes its placeholder pods keep/);
    });
});
