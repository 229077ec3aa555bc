// A team adopting the program makes the edits the docs describe on its stack files (the CIDRs set,
// a service added to both stacks, a node group added, a new stack from the minimum file): on a
// copy of the fixture stacks, each edit still passes preview's checks and the documented commands.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { preflight } from "../preflight";
import { Command, CommandMain } from "../tools/cli";
import { CommandRun, runCaptured } from "./helpers/commands";
import { RENDER, renderMain } from "../tools/render";
import { SIMULATE, simulateMain } from "../tools/simulate";
import { listStacks, readStackFile } from "../tools/stack-files";
import { checkAsPreview } from "./helpers/preview-checks";
import { aNodeGroup, aService, FIXTURE_STACKS_DIR } from "./helpers/stacks";

/** A throw-away repository root holding copies of the given fixture stacks. */
function projectOf(stacks: string[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "berrys-adoption-"));
    for (const stack of stacks)
        fs.copyFileSync(path.join(FIXTURE_STACKS_DIR, `Pulumi.${stack}.yaml`), path.join(dir, `Pulumi.${stack}.yaml`));
    return dir;
}

/** Edits a stack file as a person would in an editor: the document keeps its comments. */
function edit(dir: string, stack: string, change: (document: YAML.Document) => void): void {
    const file = path.join(dir, `Pulumi.${stack}.yaml`);
    const document = YAML.parseDocument(fs.readFileSync(file, "utf8"));
    change(document);
    fs.writeFileSync(file, document.toString({ lineWidth: 0 }));
}

function command(main: CommandMain, spec: Command, argv: string[], dir: string): Promise<CommandRun> {
    return runCaptured(spec, main, argv, dir);
}

const PLACEHOLDER_WARNING = /publicAccessCidrs.*RFC 5737 documentation range/;

describe("adopting the program: the documented edits keep preview's checks green", function () {
    let dir: string;
    beforeEach(() => {
        dir = projectOf(["production", "staging"]);
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("the deployers' CIDRs set in both stacks: preview passes and no placeholder warning remains", async () => {
        for (const [stack, cidr] of [
            ["production", "100.24.8.0/24"],
            ["staging", "34.200.0.0/20"],
        ]) {
            // The starting point, from the checks alone: checkAsPreview after the edit runs the program too.
            const before = readStackFile(stack, dir);
            assert.match(
                preflight(before.projectConfig, before.context).warnings.join("\n"),
                PLACEHOLDER_WARNING,
                "the fixture starts with the placeholder",
            );
            edit(dir, stack, (document) =>
                document.setIn(["config", "berrys-platform:cluster", "publicAccessCidrs"], [cidr]),
            );
            assert.doesNotMatch((await checkAsPreview(stack, dir)).warnings.join("\n"), PLACEHOLDER_WARNING);
        }
    });

    it("a service added to both stacks: preview passes, render and simulate --service run it", async () => {
        for (const stack of ["production", "staging"]) {
            edit(dir, stack, (document) =>
                document.setIn(
                    ["config", "berrys-platform:services", "billing"],
                    aService({ minReplicas: 2, maxReplicas: 4 }),
                ),
            );
            await checkAsPreview(stack, dir);
            const rendered = await command(renderMain, RENDER, [stack], dir);
            assert.equal(rendered.code, 0, rendered.err);
            assert.match(fs.readFileSync(path.join(dir, "out", stack, "kubernetes.yaml"), "utf8"), /name: billing-hpa/);
            const simulated = await command(
                simulateMain,
                SIMULATE,
                [stack, "--service", "billing", "--profile", "spike"],
                dir,
            );
            assert.equal(simulated.code, 0, simulated.err);
            assert.match(simulated.out, /billing/);
        }
    });

    it("a node group added (instanceTypes left to its default): preview passes and the group is declared", async () => {
        edit(dir, "production", (document) =>
            document.setIn(["config", "berrys-platform:nodeGroups", "batch"], {
                minSize: 0,
                maxSize: 3,
                desiredSize: 0,
            }),
        );
        await checkAsPreview("production", dir);
        const rendered = await command(renderMain, RENDER, ["production"], dir);
        assert.equal(rendered.code, 0, rendered.err);
        const resources = JSON.parse(
            fs.readFileSync(path.join(dir, "out", "production", "resources.json"), "utf8"),
        ) as { type: string; name: string }[];
        assert.ok(
            resources.some(
                (resource) => resource.type === "eks:index:ManagedNodeGroup" && resource.name.includes("batch"),
            ),
            "no managed node group for batch",
        );
    });

    it("a new stack from the minimum file: listed beside the others, preview passes, render runs it", async () => {
        fs.copyFileSync(path.join(FIXTURE_STACKS_DIR, "Pulumi.minimal.yaml"), path.join(dir, "Pulumi.dev.yaml"));
        assert.deepEqual(listStacks(dir), ["dev", "production", "staging"]);
        await checkAsPreview("dev", dir);
        const rendered = await command(renderMain, RENDER, ["dev"], dir);
        assert.equal(rendered.code, 0, rendered.err);
    });

    it("the checks can fail: an edit preview refuses, and one the schema refuses, are reported by key", async () => {
        edit(dir, "staging", (document) =>
            document.setIn(
                ["config", "berrys-platform:services", "billing"],
                aService({ minReplicas: 4, maxReplicas: 2 }),
            ),
        );
        await assert.rejects(
            checkAsPreview("staging", dir),
            /preview would stop:[\s\S]*services\.billing\.maxReplicas \(2\) must be >= minReplicas \(4\)/,
        );
        edit(dir, "production", (document) =>
            document.setIn(["config", "berrys-platform:nodeGroups", "batch"], aNodeGroup({ maxSize: "three" })),
        );
        await assert.rejects(checkAsPreview("production", dir), /does not match schema\/stack-file\.schema\.json/);
    });
});
