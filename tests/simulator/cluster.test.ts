import { strict as assert } from "assert";
import { Cluster, ClusterSettings, clusterSettings, NodeGroupShape, Pod, PodTemplate } from "../../simulator/cluster";
import { stackConfig } from "../helpers/stacks";

const GROUP: NodeGroupShape = {
    name: "default", minSize: 1, maxSize: 2, desiredSize: 1,
    allocatable: { cpu: 2000, memory: 8 * 2 ** 30, pods: 29 }, daemonSets: { cpu: 0, memory: 0, pods: 0 },
};

function settings(overrides: Partial<ClusterSettings> = {}): ClusterSettings {
    return {
        groups: [GROUP],
        autoscaler: {
            enabled: true, provisioningSeconds: 180, delayAfterAddSeconds: 600, delayAfterDeleteSeconds: 600,
            unneededSeconds: 600, skipNodesWithSystemPods: true, expander: "least-waste",
        },
        quota: {}, podReadySeconds: 30,
        ...overrides,
    };
}

const pod = (cpu: number, owner = 0): PodTemplate => ({
    owner, critical: true, requests: { cpu, memory: 2 ** 20 }, limits: { cpu: 2 * cpu, memory: 2 ** 20 }, pinned: false, inNamespace: true,
});

describe("simulator cluster (nodes, scheduler, quota, cluster-autoscaler)", () => {
    it("the ResourceQuota refuses a pod that would pass a hard limit, and names the key", () => {
        const cluster = new Cluster(settings({ quota: { "limits.cpu": 3000 } }), () => 1);
        assert.ok(!("refusedBy" in cluster.createPod(pod(1000), 0)));
        assert.deepEqual(cluster.createPod(pod(1000), 0), { refusedBy: ["limits.cpu"] });
        assert.equal(cluster.quotaUsed["limits.cpu"], 2000);
    });

    it("a deleted pod gives its quota back", () => {
        const cluster = new Cluster(settings({ quota: { pods: 1 } }), () => 1);
        const first = cluster.createPod(pod(100), 0) as Pod;
        cluster.deletePod(first);
        assert.ok(!("refusedBy" in cluster.createPod(pod(100), 0)));
    });

    it("a pod that fits runs at once and is ready podReadySeconds later", () => {
        const cluster = new Cluster(settings(), () => 1);
        const created = cluster.createPod(pod(500), 100) as Pod;
        cluster.schedule(100);
        assert.equal(created.startedAt, 100);
        assert.equal(created.readyAt, 130);
    });

    it("pods that do not fit wait for cluster-autoscaler's node, nodeProvisioningSeconds later, up to maxSize", () => {
        const cluster = new Cluster(settings(), () => 1);
        const pods = [1, 2, 3, 4, 5].map(() => cluster.createPod(pod(800), 0) as Pod);
        cluster.schedule(0);
        assert.equal(cluster.pending.length, 3, "two 800m pods fill the 2-core node");
        const scan = cluster.autoscale(0);
        assert.equal(scan.nodesAdded, 1, "maxSize 2: one more node");
        assert.equal(scan.blockedByMax.get(0), 1, "the fifth pod needs a third node, past maxSize");
        cluster.schedule(170);
        assert.equal(cluster.pending.length, 3, "the node is not ready yet");
        cluster.schedule(180);
        assert.equal(cluster.pending.length, 1);
        assert.equal(pods[2].readyAt, 210);
    });

    it("removes an unneeded node only after scaleDownUnneededTime and the delay after a scale-up", () => {
        const cluster = new Cluster(settings(), () => 1);
        const pods = [1, 2, 3].map(() => cluster.createPod(pod(800), 0) as Pod);
        cluster.schedule(0);
        cluster.autoscale(0);
        cluster.schedule(180);
        assert.equal(cluster.nodes.length, 2);
        cluster.deletePod(pods[2]);
        let removedAt: number | undefined;
        for (let t = 190; t <= 2000 && removedAt === undefined; t += 10) {
            if (cluster.autoscale(t).nodesRemoved > 0) removedAt = t;
        }
        // The node is empty from 190; unneeded for 600 s -> 790; the delay after the scale-up at 0 has passed.
        assert.equal(removedAt, 790);
        assert.equal(cluster.nodes.length, 1, "never below minSize");
    });

    it("drains only nodes whose pods' PodDisruptionBudgets allow the eviction", () => {
        // Owner 0's budget allows no eviction, owner 1's one.
        const cluster = new Cluster(settings({ groups: [{ ...GROUP, minSize: 0, desiredSize: 2 }] }), (owner) => owner);
        const protectedPod = cluster.createPod(pod(100, 0), 0) as Pod;
        const movable = cluster.createPod(pod(100, 1), 0) as Pod;
        cluster.schedule(0);
        assert.notEqual(protectedPod.node, movable.node, "the scheduler spreads them");
        let scan;
        for (let t = 0; t <= 600; t += 10) scan = cluster.autoscale(t);
        assert.deepEqual(scan!.evicted, [movable]);
        assert.deepEqual(cluster.nodes.map((node) => [...node.pods]), [[protectedPod]]);
    });

    it("reads the production stack: m6i.xlarge allocatable less the DaemonSets, the seed's cluster-autoscaler flags, the quota", () => {
        const production = clusterSettings(stackConfig("production"));
        assert.deepEqual(production.groups.map((group) => [group.name, group.minSize, group.maxSize, group.allocatable.cpu, group.daemonSets.cpu]),
            [["default-node-group", 3, 10, 3920, 155]]);
        assert.deepEqual(production.autoscaler, {
            enabled: true, provisioningSeconds: 180, delayAfterAddSeconds: 600, delayAfterDeleteSeconds: 600,
            unneededSeconds: 600, skipNodesWithSystemPods: true, expander: "least-waste",
        });
        assert.equal(production.quota["limits.cpu"], 32000);
        assert.equal(production.quota.pods, 100);
    });
});
