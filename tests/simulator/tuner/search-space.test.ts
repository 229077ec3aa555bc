// The tuner's search space (simulator/tuner/search-space.ts): which settings it varies, in which
// order, with which values, and how a candidate is written.
import { strict as assert } from "assert";
import { preflight } from "../../../preflight";
import { dimensions, leafChanges, withPath } from "../../../simulator/tuner/search-space";
import { fixtureStack } from "../../helpers/stacks";
import { NARROW } from "../../helpers/tune-hashes";

function production() {
    const file = fixtureStack("production");
    const raw = { ...file.projectConfig, simulation: { tuning: NARROW } } as Record<string, any>;
    return { raw, config: accepted(raw)! };
}

function accepted(raw: Record<string, unknown>) {
    const result = preflight(raw, fixtureStack("production").context);
    return result.ok ? result.config : undefined;
}

const paths = (dims: readonly { path: readonly (string | number)[] }[]) => dims.map((dim) => dim.path.join("."));

describe("tuner search space", () => {
    it("walks the quota first, then each service's behavior, then the node groups, then headroom", () => {
        const { raw, config } = production();
        const walked = paths(dimensions(config, raw));
        const quota = walked.filter((path) => path.startsWith("namespace.quota."));
        assert.deepEqual(walked.slice(0, quota.length), quota);
        assert.ok(quota.includes("namespace.quota.limits.cpu"));
        const service = walked.findIndex((path) => path.startsWith("services."));
        const group = walked.findIndex((path) => path.startsWith("nodeGroups."));
        assert.ok(service > 1 && group > service, walked.join("\n"));
        assert.equal(walked[walked.length - 1], "addons.clusterAutoscaler.headroom");
    });

    it("tries simulation.tuning's values, the stack file's own first when the list lacks it", () => {
        const { raw, config } = production();
        const values = (path: string) => dimensions(config, raw).find((dim) => dim.path.join(".") === path)?.values;
        assert.deepEqual(values("services.api-gateway.behavior.scaleUp.stabilizationWindowSeconds"), [30, 0, 60]);
        assert.deepEqual(values("services.api-gateway.behavior.scaleDown.stabilizationWindowSeconds"), [300, 420]);
        assert.deepEqual(values("nodeGroups.default-node-group.minSize"), [3]);
    });

    it("--service leaves every other service, the node groups and headroom out, but searches the shared quota", () => {
        const { raw, config } = production();
        const walked = paths(dimensions(config, raw, "web-dashboard"));
        assert.ok(walked.includes("namespace.quota.limits.cpu"));
        assert.ok(
            walked
                .filter((path) => !path.startsWith("namespace."))
                .every((path) => path.startsWith("services.web-dashboard.")),
            walked.join("\n"),
        );
    });

    it("a candidate's node group keeps the stack file's desiredSize, moved inside its new min and max", () => {
        const { raw } = production();
        type Groups = { nodeGroups: Record<string, { desiredSize: number }> };
        const raised = withPath(raw, ["nodeGroups", "default-node-group", "minSize"], 4);
        assert.equal((raised as Groups).nodeGroups["default-node-group"].desiredSize, 4);
        const back = withPath(raised, ["nodeGroups", "default-node-group", "minSize"], 3, raw);
        assert.equal(
            (back as Groups).nodeGroups["default-node-group"].desiredSize,
            raw.nodeGroups["default-node-group"].desiredSize,
        );
        assert.deepEqual(
            leafChanges(raw, raised).map((change) => change.path.join(".")),
            ["nodeGroups.default-node-group.minSize", "nodeGroups.default-node-group.desiredSize"],
        );
    });
});
