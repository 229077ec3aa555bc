// Headroom in the simulator: placeholders are preempted by pods that may preempt, at once; the
// displaced placeholder makes cluster-autoscaler add a node; production's spike no longer waits for
// a node. Upstream rules relied on: kube-scheduler v1.34 `DefaultPreemption.PodEligibleToPreemptOthers`
// (preemptionPolicy Never never preempts) and `SelectVictimsOnNode` (victims only of lower priority);
// cluster-autoscaler-1.34.5 core/utils/expendable.go `IsExpendablePod` (priority < cutoff -10 only).
import { strict as assert } from "assert";
import { Cluster, ClusterSettings, NodeGroupShape, Pod, PodTemplate, placeholderPods } from "../../simulator/cluster";
import { profile } from "../../simulator/profiles";
import { simulate } from "../../simulator/run";
import { stackWith } from "../helpers/stacks";

const GROUP: NodeGroupShape = {
    name: "default",
    minSize: 1,
    maxSize: 3,
    desiredSize: 1,
    allocatable: { cpu: 2000, memory: 8 * 2 ** 30, pods: 29 },
    capacity: { cpu: 2000, memory: 8 * 2 ** 30 },
    daemonSets: { cpu: 0, memory: 0, pods: 0 },
};

const SETTINGS: ClusterSettings = {
    groups: [GROUP],
    autoscaler: {
        enabled: true,
        provisioningSeconds: 180,
        delayAfterAddSeconds: 600,
        delayAfterDeleteSeconds: 600,
        unneededSeconds: 600,
        skipNodesWithSystemPods: true,
        expander: "least-waste",
    },
    quota: {},
    podReadySeconds: 30,
    terminationSeconds: 30,
};

const amounts = (cpu: number) => ({ cpu, memory: 2 ** 20 });
const placeholder: PodTemplate = {
    owner: -1,
    critical: false,
    placeholder: true,
    requests: amounts(1000),
    limits: amounts(1000),
    inNamespace: false,
};
const service = (critical: boolean): PodTemplate => ({
    owner: 0,
    critical,
    requests: amounts(1000),
    limits: amounts(1000),
    inNamespace: true,
});

/** One node holding two placeholders of 1000m each: full. */
function fullOfPlaceholders(): Cluster {
    const cluster = new Cluster(SETTINGS, () => 1);
    cluster.createPod(placeholder, 0);
    cluster.createPod(placeholder, 0);
    cluster.schedule(0);
    assert.equal(cluster.nodes[0].used.cpu, 2000);
    return cluster;
}

describe("simulator: headroom's placeholders", () => {
    it("a critical pod that fits nowhere preempts one placeholder and runs at once; the placeholder comes back Pending", () => {
        const cluster = fullOfPlaceholders();
        const pod = cluster.createPod(service(true), 100) as Pod;
        cluster.schedule(100);
        assert.equal(
            pod.startedAt,
            100,
            "bound in the same pass: terminationGracePeriodSeconds 0 frees the room at once",
        );
        assert.equal(
            [...cluster.nodes[0].pods].filter((other) => other.placeholder).length,
            1,
            "the fewest victims: one",
        );
        assert.deepEqual(
            cluster.pending.map((other) => other.placeholder),
            [true],
        );
    });

    it("the displaced placeholder is not expendable: cluster-autoscaler adds a node for it, which it takes when ready", () => {
        const cluster = fullOfPlaceholders();
        cluster.createPod(service(true), 100);
        cluster.schedule(100);
        assert.equal(cluster.autoscale(100).nodesAdded, 1);
        cluster.schedule(100 + 180);
        assert.equal(cluster.pending.length, 0);
        assert.equal(cluster.nodes[1].pods.size, 1);
    });

    it("a pod whose PriorityClass never preempts (standard) waits for a node, headroom or not", () => {
        const cluster = fullOfPlaceholders();
        const pod = cluster.createPod(service(false), 100) as Pod;
        cluster.schedule(100);
        assert.equal(pod.node, undefined);
        assert.equal([...cluster.nodes[0].pods].filter((other) => other.placeholder).length, 2);
    });

    it("a placeholder never preempts and queues behind every real pod", () => {
        const cluster = new Cluster(SETTINGS, () => 1);
        const first = cluster.createPod(placeholder, 0) as Pod;
        const real = cluster.createPod({ ...service(false), requests: amounts(1500), limits: amounts(1500) }, 0) as Pod;
        cluster.schedule(0);
        assert.ok(real.node !== undefined, "the older placeholder waits: the real pod is scheduled first");
        assert.equal(first.node, undefined);
    });

    it("placeholders never pin a node: scale-down moves them to a node with room", () => {
        const cluster = new Cluster({ ...SETTINGS, groups: [{ ...GROUP, desiredSize: 2 }] }, () => 1);
        const held = cluster.createPod({ ...placeholder, requests: amounts(500), limits: amounts(500) }, 0) as Pod;
        cluster.schedule(0);
        let removed = 0;
        for (let t = 0; t <= 1200; t += 10) removed += cluster.autoscale(t).nodesRemoved;
        assert.equal(removed, 1);
        assert.equal(cluster.nodes.length, 1);
        assert.ok(held.node === undefined || cluster.nodes.includes(held.node));
    });
});

describe("simulator: production's spike with headroom", function () {
    this.timeout(120000);
    const withHeadroom = stackWith("production", (raw) => {
        raw.addons = {
            ...raw.addons,
            clusterAutoscaler: { ...raw.addons?.clusterAutoscaler, headroom: { cpu: "8", memory: "16Gi" } },
        };
    });
    const without = stackWith("production", () => undefined);

    it("renders 3 placeholder pods for 8 CPU and 16Gi", () => {
        assert.equal(placeholderPods(withHeadroom).length, 3);
        assert.deepEqual(placeholderPods(without), []);
    });

    it("headroom 8 CPU / 16Gi: agent-orchestrator and model-orchestration are ready within 200 s of the step (without it: past 240 s)", () => {
        const seconds = (config: typeof without) => {
            const result = simulate(config, profile("spike", config.simulation.seed));
            return Object.fromEntries(
                result.services
                    .filter((run) => ["agent-orchestrator", "model-orchestration"].includes(run.model.name))
                    .map((run) => [run.model.name, run.stepResponses[0].seconds]),
            );
        };
        const kept = seconds(withHeadroom);
        for (const [name, value] of Object.entries(kept))
            assert.ok(value !== null && value <= 200, `${name}: ${value} s`);
        const waited = seconds(without);
        for (const [name, value] of Object.entries(waited))
            assert.ok(value === null || value > 240, `${name} without headroom: ${value} s`);
    });
});
