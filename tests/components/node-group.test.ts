// components/node-group.ts: the managed node groups, their names, sizes and builders.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    generatedNodeGroupName,
    isNotFound,
    matchLiveNodeGroups,
    scalingPlan,
    nodeGroupNameCheck,
    METADATA_OPTIONS,
    rootVolume,
    managedNodeGroupArgs,
    NodeGroupArgs,
} from "../../components/node-group";
import { resource, runStack } from "../helpers/program";
import { fixtureStack, stackConfig } from "../helpers/stacks";

// The managed node groups against @pulumi/eks 4.3.0's own source (pulumi/pulumi-eks at tag v4.3.0,
// nodejs/eks/nodes/nodegroup.ts) and the EKS API: what the mocks, which register
// eks.ManagedNodeGroup as one resource, cannot show.
const GROUP = "berrys-default-node-group-mng";
const ROOT = path.join(__dirname, "../..");

describe("@pulumi/eks pin", () => {
    it("package.json pins @pulumi/eks to exactly the 4.3.0 installed, whose source these tests cite", () => {
        // The semantics below (version defaulting, ignoreScalingChanges, add-on versions) change between releases.
        const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        assert.equal(manifest.dependencies["@pulumi/eks"], "4.3.0");
        const installed = JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/@pulumi/eks/package.json"), "utf8"));
        assert.equal(installed.version, "4.3.0");
        const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
        assert.equal(lock.packages["node_modules/@pulumi/eks"].version, "4.3.0");
    });
});

describe("node groups follow the cluster version", () => {
    // pulumi-eks v4.3.0 `createManagedNodeGroup`: `if (!args.version && !args.launchTemplate) args.version =
    // core.cluster.version`: with a launch template (ours: IMDSv2, gp3) nothing defaults the version,
    // and the AWS provider only sees version drift when it is given one.
    it("every node group carries cluster.version, and raising it moves every group", async () => {
        const groups = {
            ...(fixtureStack("production").config["berrys-platform:nodeGroups"] as Record<string, unknown>),
            "batch-arm": {
                instanceTypes: ["m7g.xlarge"],
                amiType: "AL2023_ARM_64_STANDARD",
                minSize: 0,
                maxSize: 2,
                desiredSize: 0,
            },
        };
        const at = (version: string) =>
            runStack("production", {
                configOverrides: {
                    "berrys-platform:cluster": {
                        ...(fixtureStack("production").config["berrys-platform:cluster"] as object),
                        version,
                    },
                    "berrys-platform:nodeGroups": groups,
                },
            });
        for (const version of ["1.34", "1.35"]) {
            const run = await at(version);
            const managed = run.registered.filter((r) => r.type === "eks:index:ManagedNodeGroup");
            assert.equal(managed.length, 2);
            for (const group of managed) {
                assert.equal(group.inputs.version, version, group.name);
                // The launch template stays: the version comes with it, not instead of it.
                assert.ok(group.inputs.launchTemplate, group.name);
            }
            assert.equal(resource(run, "eks:index:Cluster", "berrys-cluster-eks").inputs.version, version);
        }
    });

    it("the node group waits for the cluster through its `cluster` input, so nodes never pass the control plane", async () => {
        const run = await runStack("production");
        const declared = run.declared.find((r) => r.type === "eks:index:ManagedNodeGroup")!;
        assert.ok(declared.props.cluster, "the ManagedNodeGroup takes the eks.Cluster itself");
        assert.equal(resource(run, "eks:index:ManagedNodeGroup", GROUP).inputs.version, "1.34");
    });
});

describe("raising minSize above the live desired size", () => {
    const settings = { minSize: 3, maxSize: 10, desiredSize: 3 };

    it("before the group exists, the config's desiredSize is the creation size and later changes are ignored", () => {
        assert.deepEqual(scalingPlan(settings), {
            scalingConfig: { minSize: 3, maxSize: 10, desiredSize: 3 },
            ignoreScalingChanges: true,
        });
    });

    it("a live size inside the new range stays cluster-autoscaler's (desiredSize ignored)", () => {
        // pulumi-eks v4.3.0 `createManagedNodeGroup`: ignoreScalingChanges -> ignoreChanges ["scalingConfig.desiredSize"].
        for (const desiredSize of [3, 7, 10]) {
            assert.equal(scalingPlan(settings, { desiredSize }).ignoreScalingChanges, true, String(desiredSize));
        }
    });

    it("minSize raised above the live size: this run sends desiredSize = the new minSize, not the ignored old size", () => {
        // EKS UpdateNodegroupConfig refuses min > desired ("InvalidParameterException: Minimum capacity 2
        // can't be greater than desired size 1", terraform-aws-modules/terraform-aws-eks#3683 and #748:
        // the same ignore_changes on desired_size). pulumi-eks v4.3.0 `createManagedNodeGroup` passes
        // scalingConfig.desiredSize through when it is not ignored.
        assert.deepEqual(scalingPlan({ minSize: 5, maxSize: 10, desiredSize: 3 }, { desiredSize: 3 }), {
            scalingConfig: { minSize: 5, maxSize: 10, desiredSize: 5 },
            ignoreScalingChanges: false,
        });
    });

    it("maxSize lowered below the live size: this run sends desiredSize = the new maxSize", () => {
        assert.deepEqual(scalingPlan({ minSize: 1, maxSize: 4, desiredSize: 1 }, { desiredSize: 9 }), {
            scalingConfig: { minSize: 1, maxSize: 4, desiredSize: 4 },
            ignoreScalingChanges: false,
        });
    });

    it("finds the live group by pulumi-eks's generated name: prefix, 18-digit timestamp, 8 hex digits", () => {
        // terraform-plugin-sdk helper/id PrefixedUniqueId: prefix + "20060102150405.0000" without the dot + %08x.
        assert.ok(generatedNodeGroupName("default-node-group").test("default-node-group-2026120203121234560000000a"));
        assert.equal(generatedNodeGroupName("default").test("default-spot-2026120203121234560000000a"), false);
        assert.deepEqual(
            matchLiveNodeGroups(
                ["default", "default-spot"],
                [
                    "default-20251001000000000000000001",
                    "default-20261201000000000000000002",
                    "default-spot-20261201000000000000000003",
                    "someone-elses-20261201000000000000000004",
                ],
            ),
            {
                default: "default-20261201000000000000000002",
                "default-spot": "default-spot-20261201000000000000000003",
            },
        );
    });

    it("a cluster that does not exist yet is the first deploy, other errors stop the run", () => {
        assert.equal(
            isNotFound(
                new Error(
                    "reading EKS Node Groups: ResourceNotFoundException: No cluster found for name: berrys-production.",
                ),
            ),
            true,
        );
        assert.equal(
            isNotFound(new Error("AccessDeniedException: not authorized to perform eks:ListNodegroups")),
            false,
        );
    });

    it("the program reads the live size at preview and moves it into the raised minSize in the same run", async () => {
        const eksName = "default-node-group-2026110100000000000000000a";
        const groups = fixtureStack("production").config["berrys-platform:nodeGroups"] as Record<string, any>;
        const raised = {
            ...groups,
            "default-node-group": { ...groups["default-node-group"], minSize: 5, desiredSize: 5 },
        };
        const looked: Record<string, unknown>[] = [];
        const run = await runStack("production", {
            configOverrides: { "berrys-platform:nodeGroups": raised },
            callOverrides: (token, inputs) => {
                looked.push({ token, ...inputs });
                if (token === "aws:eks/getNodeGroups:getNodeGroups") return { names: [eksName] };
                if (token === "aws:eks/getNodeGroup:getNodeGroup")
                    return { scalingConfigs: [{ minSize: 3, maxSize: 10, desiredSize: 3 }] };
                return undefined;
            },
        });
        const group = resource(run, "eks:index:ManagedNodeGroup", GROUP);
        assert.deepEqual(group.inputs.scalingConfig, { minSize: 5, maxSize: 10, desiredSize: 5 });
        assert.equal(group.inputs.ignoreScalingChanges, false);
        assert.deepEqual(
            looked.filter((call) => String(call.token).startsWith("aws:eks/getNodeGroup")),
            [
                { token: "aws:eks/getNodeGroups:getNodeGroups", clusterName: "berrys-production" },
                {
                    token: "aws:eks/getNodeGroup:getNodeGroup",
                    clusterName: "berrys-production",
                    nodeGroupName: eksName,
                },
            ],
        );
    });

    it("with the live size already above the new minSize nothing about the desired size changes", async () => {
        const run = await runStack("production", {
            callOverrides: (token) =>
                token === "aws:eks/getNodeGroups:getNodeGroups"
                    ? { names: ["default-node-group-2026110100000000000000000a"] }
                    : token === "aws:eks/getNodeGroup:getNodeGroup"
                      ? { scalingConfigs: [{ minSize: 3, maxSize: 10, desiredSize: 8 }] }
                      : undefined,
        });
        const group = resource(run, "eks:index:ManagedNodeGroup", GROUP);
        assert.equal(group.inputs.ignoreScalingChanges, true);
        assert.deepEqual(group.inputs.scalingConfig, { minSize: 3, maxSize: 10, desiredSize: 3 });
    });
});

// Node group keys whose generated names AWS refuses once pulumi-eks and EKS add their suffixes.
describe("node group keys that make names AWS refuses once suffixes are added", () => {
    // EKS CreateNodegroup: nodegroupName up to 63 characters; the AWS provider appends 26 to
    // nodeGroupNamePrefix (terraform-plugin-sdk helper/id PrefixedUniqueId: 18-digit timestamp + 8 hex,
    // as components/node-group.ts generatedNodeGroupName reads it). IAM CreateRole: RoleName up to 64;
    // Pulumi auto-names `berrys-<group>-role` with "-" and 7 random hex characters.
    it("accepts a 36-character key and refuses a 37-character one, by key, with both limits", () => {
        const key = (length: number) => "g".repeat(length);
        const check = (group: string) =>
            nodeGroupNameCheck({
                ...stackConfig("staging"),
                nodeGroups: { [group]: stackConfig("staging").nodeGroups["default-node-group"] },
            });
        assert.deepEqual(check(key(36)).errors, []);
        const errors = check(key(37)).errors;
        assert.equal(errors.length, 1);
        assert.match(
            errors[0],
            /^berrys-platform:nodeGroups\.g{37} \(37 characters\) must be at most 36 characters: the names EKS and IAM derive would be 64 \(of 63\) and 57 \(of 64\)\nuse a shorter key: EKS adds 26 characters to "g{37}-", Pulumi 8 to "berrys-g{37}-role"$/,
        );
    });
});

describe("the node group's spec builders", () => {
    it("nodes answer only IMDSv2, one hop away, and get an encrypted gp3 root volume", () => {
        assert.equal(METADATA_OPTIONS.httpTokens, "required");
        assert.equal(METADATA_OPTIONS.httpPutResponseHopLimit, 1);
        const group = stackConfig("production").nodeGroups["default-node-group"];
        assert.deepEqual(rootVolume(group, "AL2023_x86_64_STANDARD"), {
            deviceName: "/dev/xvda",
            ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
        });
        assert.equal(rootVolume(group, "BOTTLEROCKET_x86_64").deviceName, "/dev/xvdb");
    });

    it("the managed node group: the cluster's minor as its version, its key as a label and name prefix, taints only when set", () => {
        const settings = stackConfig("production").nodeGroups["default-node-group"];
        const args = (overrides: Partial<NodeGroupArgs["settings"]> = {}) =>
            managedNodeGroupArgs(
                {
                    groupName: "default-node-group",
                    settings: { ...settings, ...overrides },
                    cluster: {} as NodeGroupArgs["cluster"],
                    kubernetesVersion: "1.35",
                    subnetIds: ["subnet-0a"],
                    tags: {},
                },
                {} as Parameters<typeof managedNodeGroupArgs>[1],
                { id: pulumi.output("lt-0a"), latestVersion: pulumi.output(3) },
            );
        const plain = args();
        assert.equal(plain.version, "1.35");
        assert.equal(plain.nodeGroupNamePrefix, "default-node-group-");
        assert.equal((plain.labels as Record<string, string>)["berrys.io/node-group"], "default-node-group");
        assert.equal("taints" in plain, false, "no taints key, so a group without taints sees no diff");
        const taint = { key: "dedicated", value: "batch", effect: "NO_SCHEDULE" as const };
        assert.deepEqual(args({ taints: [taint] }).taints, [taint]);
    });
});
