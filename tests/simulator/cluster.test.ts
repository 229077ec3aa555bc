import { strict as assert } from "assert";
import {
    CA_BLOCKING_SYSTEM_POD_TIMEOUT_SECONDS,
    chooseExpansion,
    Cluster,
    ClusterSettings,
    clusterSettings,
    NodeGroupShape,
    Pod,
    PodTemplate,
    pinHolds,
    placeholderPods,
    underutilized,
    wasteScore,
} from "../../simulator/cluster";
import { profile } from "../../simulator/profiles";
import { simulate } from "../../simulator/run";
import { stackConfig, stackWith, withHeadroom } from "../helpers/stacks";

const GROUP: NodeGroupShape = {
    name: "default",
    minSize: 1,
    maxSize: 2,
    desiredSize: 1,
    allocatable: { cpu: 2000, memory: 8 * 2 ** 30, pods: 29 },
    capacity: { cpu: 2000, memory: 8 * 2 ** 30 },
    daemonSets: { cpu: 0, memory: 0, pods: 0 },
};

function settings(overrides: Partial<ClusterSettings> = {}): ClusterSettings {
    return {
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
        ...overrides,
    };
}

const pod = (cpu: number, owner = 0): PodTemplate => ({
    owner,
    critical: true,
    requests: { cpu, memory: 2 ** 20 },
    limits: { cpu: 2 * cpu, memory: 2 ** 20 },
    inNamespace: true,
});

describe("simulator cluster (nodes, scheduler, quota, cluster-autoscaler)", () => {
    it("the ResourceQuota refuses a pod that would pass a hard limit, and names the key", () => {
        const cluster = new Cluster(settings({ quota: { "limits.cpu": 3000 } }), () => 1);
        assert.ok(!("refusedBy" in cluster.createPod(pod(1000), 0)));
        assert.deepEqual(cluster.createPod(pod(1000), 0), { refusedBy: ["limits.cpu"] });
        assert.equal(cluster.quotaUsed["limits.cpu"], 2000);
    });

    it("a pod carries every field of its template (createPod copies them one by one)", () => {
        // Required: a field added to PodTemplate must be set here, and then createPod must copy it.
        const template: Required<PodTemplate> = {
            ...pod(100),
            pin: { reason: "test", seconds: 60 },
            revision: 3,
            placeholder: false,
        };
        const created = new Cluster(settings(), () => 1).createPod(template, 0) as Pod;
        for (const key of Object.keys(template) as (keyof PodTemplate)[])
            assert.deepEqual(created[key], template[key], key);
    });

    it("a deleted pod gives its quota back", () => {
        const cluster = new Cluster(settings({ quota: { pods: 1 } }), () => 1);
        const first = cluster.createPod(pod(100), 0) as Pod;
        cluster.deletePod(first, 0);
        assert.ok(!("refusedBy" in cluster.createPod(pod(100), 0)));
    });

    it("a terminating pod keeps its quota and its node's room until it is gone, terminationSeconds after its deletion", () => {
        const cluster = new Cluster(settings({ quota: { pods: 1 } }), () => 1);
        const running = cluster.createPod(pod(1500), 0) as Pod;
        cluster.schedule(0);
        cluster.deletePod(running, 100);
        assert.deepEqual(
            cluster.createPod(pod(100), 100),
            { refusedBy: ["pods"] },
            "the quota still counts the terminating pod",
        );
        assert.deepEqual(cluster.createPod(pod(100), 129), { refusedBy: ["pods"] });
        assert.equal(cluster.nodes[0].used.cpu, 1500, "its requests still hold the node");
        const next = cluster.createPod(pod(1500), 130) as Pod;
        assert.ok(!("refusedBy" in next), "gone at 130: the quota admits the next pod");
        cluster.schedule(130);
        assert.equal(next.startedAt, 130);
    });

    it("a pod deleted before it is scheduled goes at once (no grace period without a node)", () => {
        const cluster = new Cluster(settings({ quota: { pods: 1 } }), () => 1);
        const pending = cluster.createPod(pod(5000), 0) as Pod;
        cluster.deletePod(pending, 0);
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
        cluster.deletePod(pods[2], 180);
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
        assert.deepEqual(
            cluster.nodes.map((node) => [...node.pods]),
            [[protectedPod]],
        );
    });

    // cluster-autoscaler-1.34.5 simulator/drainability/rules/system/rule_test.go TestDrainable: timeout 1 min there,
    // creation 1 s before / after (now - timeout). Here with the default 1 h timeout.
    describe("the system rule (cluster-autoscaler 1.34 rules/system)", () => {
        // Which pods the rule pins (namespace, matching PDB, --skip-nodes-with-system-pods) is capacity/drain.ts's
        // drainVerdict, tested in tests/capacity/drain.test.ts; here the simulator's use of the pin it returns.
        const SYSTEM_PIN = {
            reason: "UnmovableKubeSystemPod",
            seconds: CA_BLOCKING_SYSTEM_POD_TIMEOUT_SECONDS,
        } as const;
        it("block non-pdb system pod existing for less than BspDisruptionTimeout; allow it past the timeout", () => {
            const pin = SYSTEM_PIN;
            const now = 100_000;
            assert.equal(pinHolds({ pin, createdAt: now - CA_BLOCKING_SYSTEM_POD_TIMEOUT_SECONDS + 1 }, now), true);
            assert.equal(pinHolds({ pin, createdAt: now - CA_BLOCKING_SYSTEM_POD_TIMEOUT_SECONDS - 1 }, now), false);
            // drainTime.After(creation + timeout) is strict: exactly at the timeout the pod still blocks.
            assert.equal(pinHolds({ pin, createdAt: now - CA_BLOCKING_SYSTEM_POD_TIMEOUT_SECONDS }, now), true);
            assert.equal(
                pinHolds({ pin: { reason: "LocalStorageRequested" }, createdAt: 0 }, now),
                true,
                "a pin without seconds holds for good",
            );
        });
        it("a pinned pod keeps its otherwise unneeded node until an hour after its creation, then the node goes", () => {
            // Node B holds a pod its PDB lets no one evict (owner 0), so only node A, with the system pod, can go.
            const cluster = new Cluster(settings({ groups: [{ ...GROUP, minSize: 0, desiredSize: 2 }] }), (owner) =>
                owner === 0 ? 0 : 1,
            );
            const system = cluster.createPod({ ...pod(100, -1), pin: SYSTEM_PIN }, 0) as Pod;
            const kept = cluster.createPod(pod(100, 0), 0) as Pod;
            cluster.schedule(0);
            assert.notEqual(system.node, kept.node);
            let removedAt: number | undefined;
            for (let t = 0; t <= 2 * 3600 && removedAt === undefined; t += 10) {
                if (cluster.autoscale(t).nodesRemoved > 0) removedAt = t;
            }
            // The pin holds through t = 3600; unneeded from 3610, for scaleDownUnneededTime (600 s): 4210.
            assert.equal(removedAt, 4210);
        });
    });

    // cluster-autoscaler-1.34.5 core/scaledown/eligibility/eligibility.go `isNodeAtOrBelowUtilizationThreshold` (`>`),
    // eligibility_test.go getTestCases:
    // a 1000m node with a 600m pod is not underutilized, with a 100m pod it is.
    describe("the utilization threshold (eligibility.go)", () => {
        const node = (cpu: number) => ({
            used: { cpu, memory: 0, pods: 1 },
            allocatable: { cpu: 1000, memory: 2 ** 30, pods: 10 },
        });
        it("highly utilized node is filtered out (600m of 1000m); underutilized node stays (100m)", () => {
            assert.equal(underutilized(node(600)), false);
            assert.equal(underutilized(node(100)), true);
        });
        it("derived: a node exactly at the 0.5 threshold (500m of 1000m) is removable; 501m is not", () => {
            assert.equal(underutilized(node(500)), true);
            assert.equal(underutilized(node(501)), false);
        });
        it("derived: upstream's threshold 0 keeps a node with nothing requested removable (0 > 0 is false)", () => {
            assert.equal(underutilized(node(0), 0), true);
        });
    });

    // cluster-autoscaler-1.34.5 expander/waste/waste_test.go TestLeastWaste: pods of 500m/1000Mi, nodes of
    // 16 x 500m and 16 x 1000Mi (balanced), 32 x 1000Mi (highmem), 8 x 500m (lowcpu); capacity = allocatable there.
    describe("least-waste (expander/waste)", () => {
        const cpuPerPod = 500;
        const memoryPerPod = 1000 * 1024 * 1024;
        const shape = (name: string, cpu: number, memory: number): NodeGroupShape => ({
            ...GROUP,
            name,
            allocatable: { cpu, memory, pods: 100 },
            capacity: { cpu, memory },
        });
        const one = [{ requests: { cpu: cpuPerPod, memory: memoryPerPod } }];
        const option = (group: NodeGroupShape) => ({ group, nodes: [[]], placed: one });
        const balanced = option(shape("balanced", 16 * cpuPerPod, 16 * memoryPerPod));
        const highmem = option(shape("highmem", 16 * cpuPerPod, 32 * memoryPerPod));
        const lowcpu = option(shape("lowcpu", 8 * cpuPerPod, 16 * memoryPerPod));
        it("one pod, balanced against highmem: balanced", () => {
            assert.equal(chooseExpansion("least-waste", [balanced, highmem]), balanced);
        });
        it("one pod, balanced, highmem and lowcpu: lowcpu", () => {
            assert.equal(chooseExpansion("least-waste", [balanced, highmem, lowcpu]), lowcpu);
        });
        it("derived: waste is measured against capacity, not allocatable (a node that reserves half its CPU wastes as much)", () => {
            const reserved = {
                ...balanced,
                group: { ...balanced.group, allocatable: { ...balanced.group.allocatable, cpu: 4 * cpuPerPod } },
            };
            assert.equal(wasteScore(reserved), wasteScore(balanced));
            assert.equal(wasteScore(balanced), 15 / 16 + 15 / 16);
        });
    });

    it("reads the production stack: m6i.xlarge allocatable less the DaemonSets, the seed's cluster-autoscaler flags, the quota", () => {
        const production = clusterSettings(stackConfig("production"));
        assert.deepEqual(
            production.groups.map((group) => [
                group.name,
                group.minSize,
                group.maxSize,
                group.allocatable.cpu,
                group.daemonSets.cpu,
            ]),
            [["default-node-group", 3, 10, 3920, 155]],
        );
        assert.deepEqual(
            production.groups[0].capacity,
            { cpu: 4000, memory: 16 * 2 ** 30 },
            "m6i.xlarge: 4 vCPUs, 16 GiB",
        );
        assert.deepEqual(production.autoscaler, {
            enabled: true,
            provisioningSeconds: 180,
            delayAfterAddSeconds: 600,
            delayAfterDeleteSeconds: 600,
            unneededSeconds: 600,
            skipNodesWithSystemPods: true,
            expander: "least-waste",
        });
        assert.equal(production.terminationSeconds, 30, "Kubernetes' default terminationGracePeriodSeconds");
        assert.equal(production.quota["limits.cpu"], 32000);
        assert.equal(production.quota.pods, 100);
    });
});

// Headroom in the simulator: placeholders are preempted by pods that may preempt, at once; the
// displaced placeholder makes cluster-autoscaler add a node; with headroom, production's spike waits
// for no node. Upstream rules relied on: kube-scheduler v1.34 `DefaultPreemption.PodEligibleToPreemptOthers`
// (preemptionPolicy Never never preempts) and `SelectVictimsOnNode` (victims only of lower priority);
// cluster-autoscaler-1.34.5 core/utils/expendable.go `IsExpendablePod` (priority < cutoff -10 only).
const HEADROOM_GROUP: NodeGroupShape = { ...GROUP, maxSize: 3 };

const HEADROOM_SETTINGS = settings({ groups: [HEADROOM_GROUP] });

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
    const cluster = new Cluster(HEADROOM_SETTINGS, () => 1);
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
        const cluster = new Cluster(HEADROOM_SETTINGS, () => 1);
        const first = cluster.createPod(placeholder, 0) as Pod;
        const real = cluster.createPod({ ...service(false), requests: amounts(1500), limits: amounts(1500) }, 0) as Pod;
        cluster.schedule(0);
        assert.ok(real.node !== undefined, "the older placeholder waits: the real pod is scheduled first");
        assert.equal(first.node, undefined);
    });

    it("placeholders never pin a node: scale-down moves them to a node with room", () => {
        const cluster = new Cluster({ ...HEADROOM_SETTINGS, groups: [{ ...HEADROOM_GROUP, desiredSize: 2 }] }, () => 1);
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
    const headroom = withHeadroom();
    const without = stackWith("production", () => undefined);

    it("renders 3 placeholder pods for 8 CPU and 16Gi", () => {
        assert.equal(placeholderPods(headroom).length, 3);
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
        const kept = seconds(headroom);
        for (const [name, value] of Object.entries(kept))
            assert.ok(value !== null && value <= 200, `${name}: ${value} s`);
        const waited = seconds(without);
        for (const [name, value] of Object.entries(waited))
            assert.ok(value === null || value > 240, `${name} without headroom: ${value} s`);
    });
});
