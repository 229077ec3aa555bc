// A change that replaces a node group (issue 20 item 2): which size the new group gets, and what
// preview says. What the engine does at the pinned versions, from their source, is in
// docs/design/components.md "A replaced node group".
import { strict as assert } from "assert";
import { scalingPlan } from "../../components/node-group";
import { forceNewChanges, LiveNodeGroup, replacementPlan } from "../../components/node-group-replacement";
import { DEPLOYED_DEFAULT_NODE_GROUP, deployedNodeGroupCalls, resource, runStack } from "../helpers/program";
import { fixtureStack, stackWith } from "../helpers/stacks";

type Inputs = { scalingConfig: { minSize: number; maxSize: number; desiredSize: number } };

/** `extractInputs` on refresh, for the one field in question: old input keys take the live values. */
const refreshed = (oldInputs: Inputs, liveDesired: number): Inputs => ({
    scalingConfig: { ...oldInputs.scalingConfig, desiredSize: liveDesired },
});
/** `processIgnoreChanges` for `scalingConfig.desiredSize`: the new inputs carry the old input's value. */
const withIgnored = (newInputs: Inputs, oldInputs: Inputs, ignoreChanges: string[] | undefined): Inputs =>
    ignoreChanges?.includes("scalingConfig.desiredSize")
        ? { scalingConfig: { ...newInputs.scalingConfig, desiredSize: oldInputs.scalingConfig.desiredSize } }
        : newInputs;
/** The inputs a replacement is created from, given the program's plan: pulumi-eks turns ignoreScalingChanges into the ignoreChanges above. */
const replacementInputs = (
    plan: ReturnType<typeof scalingPlan>,
    lastSent: Inputs,
    liveDesired: number,
    refresh: boolean,
): Inputs =>
    withIgnored(
        { scalingConfig: plan.scalingConfig },
        refresh ? refreshed(lastSent, liveDesired) : lastSent,
        plan.ignoreScalingChanges ? ["scalingConfig.desiredSize"] : undefined,
    );

const settings = { minSize: 3, maxSize: 10, desiredSize: 3 };
const created: Inputs = { scalingConfig: { minSize: 3, maxSize: 10, desiredSize: 3 } };

describe("the size a replaced node group starts at", () => {
    it("established: ignoring desiredSize carries the refreshed live size under refresh: always, the creation size without refresh", () => {
        const ignoring = scalingPlan(settings);
        assert.equal(replacementInputs(ignoring, created, 8, true).scalingConfig.desiredSize, 8);
        assert.equal(replacementInputs(ignoring, created, 8, false).scalingConfig.desiredSize, 3);
    });

    it("a replacing run sends the live size and does not ignore it, so the new group starts at 8 with or without refresh", () => {
        const plan = scalingPlan(settings, { desiredSize: 8, replaced: true });
        assert.deepEqual(plan, {
            scalingConfig: { minSize: 3, maxSize: 10, desiredSize: 8 },
            ignoreScalingChanges: false,
        });
        assert.equal(replacementInputs(plan, created, 8, true).scalingConfig.desiredSize, 8);
        assert.equal(replacementInputs(plan, created, 8, false).scalingConfig.desiredSize, 8);
    });

    it("clamps the live size into the new minSize..maxSize (EKS refuses a desired size outside it)", () => {
        assert.equal(
            scalingPlan({ minSize: 2, maxSize: 6, desiredSize: 2 }, { desiredSize: 8, replaced: true }).scalingConfig
                .desiredSize,
            6,
        );
        assert.equal(
            scalingPlan({ minSize: 4, maxSize: 6, desiredSize: 4 }, { desiredSize: 2, replaced: true }).scalingConfig
                .desiredSize,
            4,
        );
    });
});

describe("which node groups a change replaces", () => {
    const live: LiveNodeGroup = {
        eksName: DEPLOYED_DEFAULT_NODE_GROUP.eksName,
        desiredSize: 8,
        instanceTypes: ["m6i.xlarge"],
        capacityType: "ON_DEMAND",
        amiType: "AL2023_x86_64_STANDARD",
        subnetIds: ["subnet-0a", "subnet-0b"],
    };
    const group = {
        instanceTypes: ["m6i.xlarge"],
        capacityType: "ON_DEMAND" as const,
        amiType: "AL2023_x86_64_STANDARD" as const,
    };

    it("the ForceNew fields of aws_eks_node_group: instance types, capacity type, AMI type, subnets; nothing else", () => {
        assert.deepEqual(forceNewChanges(group, live, ["subnet-0b", "subnet-0a"]), [], "subnets are a set");
        assert.deepEqual(forceNewChanges({ ...group, instanceTypes: ["m6i.2xlarge"], capacityType: "SPOT" }, live), [
            "instanceTypes [m6i.xlarge] -> [m6i.2xlarge]",
            "capacityType ON_DEMAND -> SPOT",
        ]);
        assert.deepEqual(
            forceNewChanges({ ...group, amiType: "BOTTLEROCKET_x86_64" }, live, ["subnet-0c", "subnet-0b"]),
            ["amiType AL2023_x86_64_STANDARD -> BOTTLEROCKET_x86_64", "subnets (network)"],
        );
        assert.deepEqual(
            forceNewChanges(group, live, undefined, true),
            ["subnets (network)"],
            "the network's zones change",
        );
    });

    it("preview says by key which group goes, how many nodes move and the size the new one starts at", () => {
        const config = stackWith("production", (raw) => {
            raw.nodeGroups["default-node-group"].instanceTypes = ["m6i.2xlarge"];
            raw.nodeGroups["default-node-group"].maxSize = 6;
        });
        const plan = replacementPlan(config, { "default-node-group": live });
        assert.deepEqual(plan.liveScaling, { "default-node-group": { desiredSize: 8, replaced: true } });
        assert.equal(plan.warnings.length, 1);
        const [first, second] = plan.warnings[0].split("\n");
        assert.equal(
            first,
            "berrys-platform:nodeGroups.default-node-group replaces EKS node group default-node-group-2026110100000000000000000a: its 8 nodes move to a new group created with 6",
        );
        assert.ok(first.length <= 200);
        assert.match(second, /^ForceNew: instanceTypes \[m6i\.xlarge\] -> \[m6i\.2xlarge\]/);
        assert.deepEqual(
            replacementPlan(
                stackWith("production", () => undefined),
                { "default-node-group": live },
            ).warnings,
            [],
        );
    });

    it("the program reads the live group at preview, warns, and creates the replacement at the live size", async () => {
        const groups = fixtureStack("production").config["berrys-platform:nodeGroups"] as Record<string, any>;
        const run = await runStack("production", {
            configOverrides: {
                "berrys-platform:nodeGroups": {
                    ...groups,
                    "default-node-group": { ...groups["default-node-group"], instanceTypes: ["m6i.2xlarge"] },
                },
            },
            callOverrides: deployedNodeGroupCalls(),
        });
        const group = resource(run, "eks:index:ManagedNodeGroup", "berrys-default-node-group-mng");
        assert.deepEqual(group.inputs.scalingConfig, { minSize: 3, maxSize: 10, desiredSize: 8 });
        assert.equal(group.inputs.ignoreScalingChanges, false);
        assert.ok(
            run.warnings.some((warning) =>
                warning.startsWith("berrys-platform:nodeGroups.default-node-group replaces EKS node group"),
            ),
            run.warnings.join("\n"),
        );
    });
});
