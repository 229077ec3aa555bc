// How fast a node group update goes: updateConfig per group, set through a transform on the node
// group inside eks.ManagedNodeGroup (pulumi-eks v4.3.0 eks:index:ManagedNodeGroup has no updateConfig),
// and a warning when the pace outruns the services' PDBs.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { nodesDrainedAtOnce, updateConfig, updateConfigTransform, updatePaceCheck } from "../../components/node-update";
import { checkConfig } from "../../preflight";
import { runStack } from "../helpers/program";
import { fixtureStack, stackWith } from "../helpers/stacks";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const transformArgs = (type: string, props: Record<string, unknown>) =>
    ({ type, name: "berrys-default-node-group-mng", custom: true, props, opts: {} }) as pulumi.ResourceTransformArgs;

describe("node group updates", () => {
    it("a count is maxUnavailable, a percentage maxUnavailablePercentage (aws_eks_node_group update_config)", () => {
        assert.deepEqual(updateConfig({ updateMaxUnavailable: 1 }), { maxUnavailable: 1 });
        assert.deepEqual(updateConfig({ updateMaxUnavailable: "25%" }), { maxUnavailablePercentage: 25 });
    });

    it("the transform sets updateConfig on the node group pulumi-eks creates, and touches nothing else", () => {
        const result = updateConfigTransform({ maxUnavailable: 1 })(
            transformArgs(NODE_GROUP, { instanceTypes: ["m6i.xlarge"] }),
        );
        assert.deepEqual(result && "props" in result ? result.props : undefined, {
            instanceTypes: ["m6i.xlarge"],
            updateConfig: { maxUnavailable: 1 },
        });
        assert.equal(
            updateConfigTransform({ maxUnavailable: 1 })(transformArgs("aws:ec2/launchTemplate:LaunchTemplate", {})),
            undefined,
        );
    });

    it("by default every group drains one node at a time: the managed node group carries that transform", async () => {
        const run = await runStack("production");
        const group = run.declared.find((declared) => declared.type === "eks:index:ManagedNodeGroup");
        const transforms = group?.opts.transforms ?? [];
        assert.equal(transforms.length, 1);
        const result = await transforms[0](transformArgs(NODE_GROUP, {}));
        assert.deepEqual(result && "props" in result ? result.props.updateConfig : undefined, { maxUnavailable: 1 });
    });

    it("refuses what EKS refuses: 0, above 100, a percentage outside 1-100%", () => {
        const file = fixtureStack("staging");
        for (const bad of [0, 101, "0%", "101%", "25", "abc"]) {
            const raw = structuredClone(file.projectConfig) as Record<string, any>;
            raw.nodeGroups["default-node-group"].updateMaxUnavailable = bad;
            const result = checkConfig(raw, file.context);
            assert.equal(result.ok, false, String(bad));
            assert.match(
                (result as { errors: string[] }).errors.join("\n"),
                /nodeGroups\.default-node-group\.updateMaxUnavailable/,
                String(bad),
            );
        }
    });

    it("warns by key when a group drains more nodes at once than the tightest PDB allows disruptions at minReplicas", () => {
        // Production's model-orchestration: minReplicas 3, minAvailable 2, so one disruption at a time.
        const wide = stackWith("production", (raw) => {
            raw.nodeGroups["default-node-group"].updateMaxUnavailable = "30%";
        });
        assert.equal(nodesDrainedAtOnce(wide.nodeGroups["default-node-group"]), 3);
        const warnings = updatePaceCheck(wide).warnings;
        assert.equal(warnings.length, 1);
        assert.match(
            warnings[0],
            /^berrys-platform:nodeGroups\.default-node-group\.updateMaxUnavailable \(30%\) drains 3 nodes at once, but services\.\S+'s PDB allows 1 disruption\(s\) at minReplicas/,
        );
        assert.ok(warnings[0].split("\n")[0].length <= 200);
        assert.deepEqual(updatePaceCheck(stackWith("production", () => undefined)).warnings, []);
    });
});
