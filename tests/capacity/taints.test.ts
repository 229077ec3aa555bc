// Node group taints (a Spot group kept for tolerant workloads): the stack file takes them in EKS's
// spelling, the node group passes them to EKS and tags its auto-scaling group for
// cluster-autoscaler, and the capacity model and the simulator keep the platform's pods off them.
import { strict as assert } from "assert";
import { capacityReport } from "../../capacity/model";
import { nodeGroupTaintsCheck, nodeTemplateTaintTags, platformNodeGroups } from "../../capacity/taints";
import { checkConfig } from "../../preflight";
import { Cluster, clusterSettings, Pod, PodTemplate } from "../../simulator/cluster";
import { runStack } from "../helpers/program";
import { fixtureStack, stackWith } from "../helpers/stacks";

const SPOT = {
    instanceTypes: ["m6i.2xlarge"],
    minSize: 0,
    maxSize: 10,
    desiredSize: 1,
    capacityType: "SPOT",
    taints: [{ key: "berrys.io/spot", value: "true", effect: "NO_SCHEDULE" }],
};

/** Staging with a second, tainted group beside its default one. */
const withSpot = (spot: Record<string, unknown> = SPOT) =>
    stackWith("staging", (raw) => {
        raw.nodeGroups = { ...raw.nodeGroups, spot };
    });

/** The errors the config checks give for staging's node groups replaced by `groups`. */
function errorsFor(groups: Record<string, unknown>): string[] {
    const file = fixtureStack("staging");
    const raw = { ...structuredClone(file.projectConfig), nodeGroups: groups };
    const result = checkConfig(raw, file.context);
    return result.ok ? [] : result.errors;
}

describe("node group taints: the stack file (EKS's spelling)", () => {
    it("takes key, value and effect NO_SCHEDULE, NO_EXECUTE or PREFER_NO_SCHEDULE; no taints by default", () => {
        const config = withSpot();
        assert.deepEqual(config.nodeGroups.spot.taints, [
            { key: "berrys.io/spot", value: "true", effect: "NO_SCHEDULE" },
        ]);
        assert.deepEqual(config.nodeGroups["default-node-group"].taints, []);
    });

    it("refuses Kubernetes' spelling of an effect, naming the key and EKS's values", () => {
        const errors = errorsFor({
            "default-node-group": { minSize: 1, maxSize: 2, desiredSize: 1 },
            spot: { ...SPOT, taints: [{ key: "spot", effect: "NoSchedule" }] },
        });
        assert.equal(errors.length, 1, errors.join("\n"));
        assert.match(
            errors[0],
            /^berrys-platform:nodeGroups\.spot\.taints\.0\.effect \("NoSchedule"\) must be one of NO_SCHEDULE, NO_EXECUTE, PREFER_NO_SCHEDULE/,
        );
    });

    it("refuses what EKS's CreateNodegroup refuses: a key over 63 characters, a value over 63, more than 50 taints", () => {
        const base = { "default-node-group": { minSize: 1, maxSize: 2, desiredSize: 1 } };
        const long = errorsFor({
            ...base,
            spot: { ...SPOT, taints: [{ key: "k".repeat(64), value: "v".repeat(64), effect: "NO_EXECUTE" }] },
        });
        assert.ok(
            long.some((error) => /taints\.0\.key .* must be at most 63 characters/.test(error)),
            long.join("\n"),
        );
        assert.ok(
            long.some((error) => /taints\.0\.value .* must be at most 63 characters/.test(error)),
            long.join("\n"),
        );
        const many = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, effect: "PREFER_NO_SCHEDULE" }));
        assert.ok(
            errorsFor({ ...base, spot: { ...SPOT, taints: many } }).some((error) =>
                /taints .* must list at most 50 taints/.test(error),
            ),
        );
    });

    it("refuses a key listed twice: cluster-autoscaler's node-template tag holds one taint per key", () => {
        const errors = errorsFor({
            "default-node-group": { minSize: 1, maxSize: 2, desiredSize: 1 },
            spot: {
                ...SPOT,
                taints: [
                    { key: "spot", effect: "NO_SCHEDULE" },
                    { key: "spot", effect: "NO_EXECUTE" },
                ],
            },
        });
        assert.ok(
            errors.some((error) =>
                /^berrys-platform:nodeGroups\.spot\.taints .* must not list a key twice/.test(error),
            ),
            errors.join("\n"),
        );
    });
});

describe("node group taints: preview refuses a cluster the add-ons cannot run on", () => {
    it("every group with a NO_SCHEDULE or NO_EXECUTE taint is an error naming nodeGroups and the fix, first line under 200 characters", () => {
        const errors = errorsFor({
            spot: SPOT,
            batch: { ...SPOT, taints: [{ key: "batch", effect: "NO_EXECUTE" }] },
        });
        assert.equal(errors.length, 1, errors.join("\n"));
        assert.match(
            errors[0],
            /^berrys-platform:nodeGroups \(spot, batch\) must keep a group without NO_SCHEDULE or NO_EXECUTE taints: the add-ons and the services tolerate none, so they would stay Pending\nadd a node group without taints, or make one group's taints PREFER_NO_SCHEDULE$/,
        );
        assert.ok(errors[0].split("\n")[0].length <= 200, errors[0]);
    });

    it("a group with PREFER_NO_SCHEDULE only, or an untainted group beside the tainted one, passes", () => {
        assert.deepEqual(errorsFor({ spot: { ...SPOT, taints: [{ key: "spot", effect: "PREFER_NO_SCHEDULE" }] } }), []);
        const config = withSpot();
        assert.deepEqual(nodeGroupTaintsCheck(config).errors, []);
        assert.deepEqual(platformNodeGroups(config), ["default-node-group"]);
    });
});

describe("node group taints: the managed node group and cluster-autoscaler's tags", () => {
    it("the node template tags: k8s.io/cluster-autoscaler/node-template/taint/<key> = <value>:<Kubernetes effect> (cluster-autoscaler-1.34.5 cloudprovider/aws/README.md)", () => {
        assert.deepEqual(
            nodeTemplateTaintTags([
                { key: "dedicated", value: "true", effect: "NO_SCHEDULE" },
                { key: "berrys.io/spot", effect: "PREFER_NO_SCHEDULE" },
            ]),
            {
                "k8s.io/cluster-autoscaler/node-template/taint/dedicated": "true:NoSchedule",
                "k8s.io/cluster-autoscaler/node-template/taint/berrys.io/spot": ":PreferNoSchedule",
            },
        );
    });

    it("the program passes the taints to the managed node group in EKS's spelling and tags the group's auto-scaling group", async () => {
        const file = fixtureStack("staging");
        const run = await runStack("staging", {
            configOverrides: {
                "berrys-platform:nodeGroups": { ...(file.projectConfig.nodeGroups as object), spot: SPOT },
            },
        });
        const groups = run.registered.filter((resource) => resource.type === "eks:index:ManagedNodeGroup");
        const spot = groups.find((group) => group.inputs.nodeGroupNamePrefix === "spot-");
        assert.ok(spot !== undefined);
        assert.deepEqual(spot.inputs.taints, [{ key: "berrys.io/spot", value: "true", effect: "NO_SCHEDULE" }]);
        const untainted = groups.find((group) => group.inputs.nodeGroupNamePrefix === "default-node-group-");
        assert.ok(
            untainted !== undefined && !("taints" in untainted.inputs),
            "an untainted group sends no taints, so deployed groups see no diff",
        );
        const tags = run.registered.filter((resource) => resource.type === "aws:autoscaling/tag:Tag");
        assert.equal(tags.length, 1);
        assert.deepEqual(tags[0].inputs.tag, {
            key: "k8s.io/cluster-autoscaler/node-template/taint/berrys.io/spot",
            value: "true:NoSchedule",
            propagateAtLaunch: false,
        });
        assert.match(String(tags[0].inputs.autoscalingGroupName), /autoscalingGroupName/);
    });
});

describe("node group taints: capacity and the simulator keep the platform's pods off", () => {
    it("a tainted group's nodes count in no node row, and a pod too large for the untainted nodes fits on no node", () => {
        const plain = capacityReport(stackWith("staging", () => undefined));
        const tainted = capacityReport(withSpot());
        for (const resource of ["cpu", "memory"] as const) {
            const row = (report: typeof plain) =>
                report.nodes.rows.find((candidate) => candidate.resource === resource)!;
            assert.equal(row(tainted).allocatable, row(plain).allocatable, resource);
        }
        const spot = tainted.nodes.groups.find((group) => group.name === "spot")!;
        assert.equal(spot.takesPlatformPods, false);
        assert.deepEqual(spot.taints, ["berrys.io/spot=true:NoSchedule"]);
        // A pod of 6 CPU fits an m6i.2xlarge (8 vCPU) but not an m6i.xlarge: only the tainted group could hold it.
        const big = withSpot();
        const service = Object.keys(big.services)[0];
        const resized = {
            ...big,
            services: {
                ...big.services,
                [service]: {
                    ...big.services[service],
                    resources: { requests: { cpu: "6", memory: "1Gi" }, limits: { cpu: "6", memory: "1Gi" } },
                },
            },
        };
        assert.equal(capacityReport(resized).services.find((each) => each.name === service)!.fitsOnANode, false);
        const untaintedBig = {
            ...resized,
            nodeGroups: { ...resized.nodeGroups, spot: { ...resized.nodeGroups.spot, taints: [] } },
        };
        assert.equal(capacityReport(untaintedBig).services.find((each) => each.name === service)!.fitsOnANode, true);
    });

    it("the simulated scheduler binds no pod to a tainted node and cluster-autoscaler never grows the tainted group for one", () => {
        const config = withSpot();
        const cluster = new Cluster(clusterSettings(config), () => 1);
        const template: PodTemplate = {
            owner: 0,
            critical: false,
            requests: { cpu: 1000, memory: 2 ** 30 },
            limits: { cpu: 1000, memory: 2 ** 30 },
            inNamespace: false,
        };
        const pods = Array.from({ length: 40 }, () => cluster.createPod(template, 0) as Pod);
        cluster.schedule(0);
        cluster.autoscale(0);
        cluster.schedule(3600);
        assert.ok(pods.every((pod) => pod.node === undefined || pod.node.group === "default-node-group"));
        assert.ok(pods.some((pod) => pod.node !== undefined));
        assert.equal(
            cluster.nodes.filter((node) => node.group === "spot").length,
            1,
            "the spot group stays at its desired size",
        );
    });

    it("PREFER_NO_SCHEDULE: the scheduler uses the avoided group only when the others are full", () => {
        const config = withSpot({ ...SPOT, taints: [{ key: "spot", effect: "PREFER_NO_SCHEDULE" }] });
        const cluster = new Cluster(
            clusterSettings({
                ...config,
                addons: { ...config.addons, clusterAutoscaler: { ...config.addons.clusterAutoscaler, enabled: false } },
            }),
            () => 1,
        );
        const template: PodTemplate = {
            owner: 0,
            critical: false,
            requests: { cpu: 100, memory: 2 ** 20 },
            limits: { cpu: 100, memory: 2 ** 20 },
            inNamespace: false,
        };
        const first = cluster.createPod(template, 0) as Pod;
        cluster.schedule(0);
        assert.equal(first.node?.group, "default-node-group");
    });
});
