// The proposal's files (tools/proposal.ts): the stack file with the tuner's changes set where each
// value stands, every comment and style kept, and its unified diff.
import { strict as assert } from "assert";
import * as YAML from "yaml";
import { applyChanges, unifiedDiff } from "../../tools/proposal";

const STACK = [
    "config:",
    "  aws:region: eu-west-1",
    "  berrys-platform:namespace:",
    "    quota:",
    '      limits.cpu: "32" # the seed\'s quota',
    "  berrys-platform:nodeGroups:",
    "    default-node-group:",
    "      instanceTypes: [m6i.xlarge]",
    "      minSize: 3",
    "",
].join("\n");

describe("tools/proposal: the stack file with the changes applied", () => {
    it("replaces a value where it stands: a quoted scalar stays quoted, its comment stays", () => {
        const text = applyChanges(STACK, [{ path: ["namespace", "quota", "limits.cpu"], from: "32", to: "58" }]);
        assert.equal(text, STACK.replace('limits.cpu: "32"', 'limits.cpu: "58"'));
    });

    it("a flow list stays a flow list", () => {
        const text = applyChanges(STACK, [
            { path: ["nodeGroups", "default-node-group", "instanceTypes"], from: ["m6i.xlarge"], to: ["m6i.2xlarge"] },
        ]);
        assert.equal(text, STACK.replace("[m6i.xlarge]", "[m6i.2xlarge]"));
    });

    it("a key its map lacks goes first in the map, at the map's indent; a missing map is added", () => {
        const text = applyChanges(STACK, [
            { path: ["nodeGroups", "default-node-group", "maxSize"], from: undefined, to: 6 },
            { path: ["addons", "clusterAutoscaler", "headroom"], from: undefined, to: { cpu: "1", memory: "2Gi" } },
        ]);
        const config = YAML.parse(text).config;
        assert.equal(config["berrys-platform:nodeGroups"]["default-node-group"].maxSize, 6);
        assert.deepEqual(config["berrys-platform:addons"], {
            clusterAutoscaler: { headroom: { cpu: "1", memory: "2Gi" } },
        });
        assert.ok(text.includes("# the seed's quota"));
    });
});

describe("tools/proposal: the unified diff", () => {
    it("is empty when nothing changed", () => {
        assert.equal(unifiedDiff(STACK, STACK, "a", "b"), "");
    });

    it("names both files and shows the changed line with three lines of context", () => {
        const after = STACK.replace("minSize: 3", "minSize: 2");
        const diff = unifiedDiff(STACK, after, "Pulumi.production.yaml", "out/production/tune/Pulumi.production.yaml");
        const lines = diff.split("\n");
        assert.ok(lines.includes("--- Pulumi.production.yaml"), diff);
        assert.ok(lines.includes("+++ out/production/tune/Pulumi.production.yaml"), diff);
        assert.ok(lines.includes("@@ -6,4 +6,4 @@"), diff);
        assert.deepEqual(
            lines.filter((line) => /^[-+][^-+]/.test(line)),
            ["-      minSize: 3", "+      minSize: 2"],
        );
    });
});
