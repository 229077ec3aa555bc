// The drain audit: cluster-autoscaler 1.34's drain rules (kubernetes/autoscaler tag
// cluster-autoscaler-1.34.5, simulator/drainability/rules/) on the platform's own pods
// (catalog/platform-pods.ts).
import { strict as assert } from "assert";
import { PlatformPod, platformPods, PROMETHEUS_PIN_REASON } from "../../catalog/platform-pods";
import {
    blockingLocalVolumes,
    drainAudit,
    drainVerdict,
    formatDrainAudit,
    preemptibleByCriticalServices,
    unintendedPins,
} from "../../capacity/drain";
import { addonPodRequests } from "../../capacity/system-pods";
import { MONITORING_PRIORITY_CLASS, PRIORITY_CLASSES } from "../../catalog/priority-classes";
import { monitoredNamespaces } from "../../components/addons";
import { kubePrometheusStackValues, prometheusReplicasCheck } from "../../components/prometheus-stack";
import { CROSS_CHECKS } from "../../preflight";
import { itKeepsOutput } from "../helpers/capacity-hashes";
import { stackConfig, stackWith } from "../helpers/stacks";

const SEED_FLAGS = { skipNodesWithLocalStorage: true, skipNodesWithSystemPods: true };

const pod = (changes: Partial<PlatformPod>): PlatformPod => ({
    name: "p",
    installedBy: "test",
    namespace: "monitoring",
    kind: "Deployment",
    replicas: 2,
    requests: { cpu: "0", memory: "0" },
    localVolumes: [],
    safeToEvictLocalVolumes: [],
    pdb: null,
    sources: [],
    ...changes,
});
const emptyDir = (name: string, medium?: "Memory") => ({
    name,
    kind: "emptyDir" as const,
    ...(medium ? { medium } : {}),
    source: "test",
});

describe("drain rules (cluster-autoscaler 1.34)", () => {
    // localstorage/rule_test.go: an emptyDir or hostPath blocks unless the annotation names it;
    // utils/drain/drain.go `isLocalVolume`: an emptyDir with medium Memory is not local storage.
    it("a pod with a disk-backed emptyDir not in safe-to-evict-local-volumes pins its node (LocalStorageRequested)", () => {
        const verdict = drainVerdict(pod({ localVolumes: [emptyDir("scratch")] }), SEED_FLAGS);
        assert.equal(verdict.rule, "LocalStorage");
        assert.equal(verdict.blocks?.reason, "LocalStorageRequested");
        assert.match(verdict.blocks!.message, /scratch/);
    });

    it("the annotation must name every local volume; a memory emptyDir needs no entry", () => {
        assert.equal(
            drainVerdict(
                pod({ localVolumes: [emptyDir("a"), emptyDir("b")], safeToEvictLocalVolumes: ["a", "b"] }),
                SEED_FLAGS,
            ).blocks,
            null,
        );
        assert.deepEqual(
            blockingLocalVolumes(pod({ localVolumes: [emptyDir("a"), emptyDir("b")], safeToEvictLocalVolumes: ["a"] })),
            ["b"],
        );
        assert.equal(drainVerdict(pod({ localVolumes: [emptyDir("tmpfs", "Memory")] }), SEED_FLAGS).blocks, null);
        assert.equal(
            drainVerdict(pod({ localVolumes: [{ name: "host", kind: "hostPath", source: "test" }] }), SEED_FLAGS).blocks
                ?.reason,
            "LocalStorageRequested",
        );
    });

    it("local storage blocks only with --skip-nodes-with-local-storage (`Default` skips the localstorage rule without it)", () => {
        assert.equal(
            drainVerdict(pod({ localVolumes: [emptyDir("scratch")] }), {
                ...SEED_FLAGS,
                skipNodesWithLocalStorage: false,
            }).blocks,
            null,
        );
    });

    // system `Rule.Drainable`: kube-system and no matching PDB blocks for the timeout after creation.
    it("a kube-system pod without a PDB pins its node for 1h after its creation; with a PDB it does not", () => {
        const verdict = drainVerdict(pod({ namespace: "kube-system" }), SEED_FLAGS);
        assert.equal(verdict.blocks?.reason, "UnmovableKubeSystemPod");
        assert.equal(verdict.blocks?.until, "1h");
        assert.equal(
            drainVerdict(pod({ namespace: "kube-system", pdb: { maxUnavailable: 1, source: "test" } }), SEED_FLAGS)
                .blocks,
            null,
        );
        assert.equal(
            drainVerdict(pod({ namespace: "kube-system" }), { ...SEED_FLAGS, skipNodesWithSystemPods: false }).blocks,
            null,
        );
        assert.equal(drainVerdict(pod({ namespace: "monitoring" }), SEED_FLAGS).blocks, null);
    });

    it("a kube-system pod with a PDB and an unlisted local volume still pins (the LocalStorage rule comes next)", () => {
        const verdict = drainVerdict(
            pod({
                namespace: "kube-system",
                pdb: { maxUnavailable: 1, source: "test" },
                localVolumes: [emptyDir("socket-dir")],
            }),
            SEED_FLAGS,
        );
        assert.equal(verdict.blocks?.reason, "LocalStorageRequested");
    });

    it('safe-to-evict: true drains before any blocking rule; "false" pins (`Default` asks safetoevict before notsafetoevict)', () => {
        assert.equal(
            drainVerdict(
                pod({ namespace: "kube-system", safeToEvict: "true", localVolumes: [emptyDir("x")] }),
                SEED_FLAGS,
            ).blocks,
            null,
        );
        assert.equal(
            drainVerdict(pod({ safeToEvict: "false" }), SEED_FLAGS).blocks?.reason,
            "NotSafeToEvictAnnotation",
        );
    });

    it("DaemonSet pods never pin, hostPaths and all (`Default` asks the daemonset rule first of those that can decide)", () => {
        assert.equal(
            drainVerdict(
                pod({
                    kind: "DaemonSet",
                    namespace: "kube-system",
                    localVolumes: [{ name: "h", kind: "hostPath", source: "t" }],
                }),
                SEED_FLAGS,
            ).blocks,
            null,
        );
    });

    it("a PDB that allows no eviction pins (pdb `Rule.Drainable`)", () => {
        assert.equal(
            drainVerdict(pod({ replicas: 2, pdb: { minAvailable: 2, source: "t" } }), SEED_FLAGS).blocks?.reason,
            "NotEnoughPdb",
        );
        assert.equal(
            drainVerdict(pod({ replicas: 2, pdb: { minAvailable: 1, source: "t" } }), SEED_FLAGS).blocks,
            null,
        );
        assert.equal(
            drainVerdict(pod({ replicas: 1, pdb: { maxUnavailable: 1, source: "t" } }), SEED_FLAGS).blocks,
            null,
        );
    });
});

for (const stack of ["production", "staging"]) {
    describe(`drain audit: ${stack}`, () => {
        const config = stackConfig(stack);
        const flags = config.addons.clusterAutoscaler;
        const verdicts = drainAudit(platformPods(config), flags);

        it("no platform pod keeps its node unless the audit lists the pin as intended, with its reason", () => {
            assert.deepEqual(
                unintendedPins(verdicts).map(({ pod: p, blocks }) => `${p.namespace}/${p.name}: ${blocks!.message}`),
                [],
            );
        });

        it("the one intended pin is Prometheus (safe-to-evict: false), for the zonal volume", () => {
            const pinned = verdicts.filter((verdict) => verdict.blocks !== null);
            assert.deepEqual(
                pinned.map(({ pod: p, blocks }) => [p.name, blocks!.reason, p.intendedPin]),
                [["prometheus-kube-prometheus-stack-prometheus", "NotSafeToEvictAnnotation", PROMETHEUS_PIN_REASON]],
            );
        });

        it("prints one row per pod and names the pinned one with its reason", () => {
            const text = formatDrainAudit(verdicts, flags);
            for (const verdict of verdicts) assert.ok(text.includes(verdict.pod.name), verdict.pod.name);
            assert.match(
                text,
                /prometheus-kube-prometheus-stack-prometheus: annotated .*; intended: its data is on a gp3 volume/,
            );
            assert.doesNotMatch(text, /NOT intended/);
        });
    });
}

describe("drain audit: the pins the issue found are caught", () => {
    const config = stackConfig("production");
    const row = (name: string) => platformPods(config).find((p) => p.name === name)!;

    it("Grafana with the old annotation (no `search`) would pin its node", () => {
        const old = {
            ...row("kube-prometheus-stack-grafana"),
            safeToEvictLocalVolumes: ["storage", "sc-dashboard-volume", "sc-datasources-volume"],
        };
        assert.match(drainVerdict(old, SEED_FLAGS).blocks?.message ?? "", /^local volume search missing/);
    });

    it("the EBS CSI controller without its annotation would pin both its nodes (socket-dir)", () => {
        const bare = { ...row("ebs-csi-controller"), safeToEvictLocalVolumes: [] };
        assert.match(drainVerdict(bare, SEED_FLAGS).blocks?.message ?? "", /socket-dir/);
    });

    it("CoreDNS without the add-on's PDB would pin its nodes for an hour after each restart", () => {
        assert.equal(
            drainVerdict({ ...row("coredns"), pdb: null }, SEED_FLAGS).blocks?.reason,
            "UnmovableKubeSystemPod",
        );
    });
});

describe("the metrics path: Prometheus replicas against the nodes they pin", () => {
    it("two replicas within minSize: no warning (production, staging)", () => {
        assert.deepEqual(prometheusReplicasCheck(stackConfig("production")), { errors: [], warnings: [] });
        assert.deepEqual(prometheusReplicasCheck(stackConfig("staging")), { errors: [], warnings: [] });
    });

    it("one replica is warned about by key: a drain or a zone without room stops every custom-metric HPA", () => {
        const single = stackWith("production", (raw) => {
            raw.addons = { prometheus: { mode: "install", replicas: 1 } };
        });
        const { warnings } = prometheusReplicasCheck(single);
        assert.equal(warnings.length, 1);
        assert.match(warnings[0], /^berrys-platform:addons\.prometheus\.replicas \(1\) leaves one Prometheus/);
    });

    it("more replicas than the node groups' minSize would keep nodes minSize does not: warned, with the most that fits", () => {
        const many = stackWith("production", (raw) => {
            raw.addons = { prometheus: { mode: "install", replicas: 4 } };
        });
        assert.match(
            prometheusReplicasCheck(many).warnings.join("\n"),
            /replicas \(4\) is more than the node groups' minSize in total \(3\)[^]*use at most 3$/,
        );
    });

    it("runs with the other cross-checks, so preview and render report it", () => {
        assert.ok(CROSS_CHECKS.includes(prometheusReplicasCheck));
    });
});

describe("priorities of the platform's pods (issue 21: monitoring outranks what it measures)", () => {
    const config = stackConfig("production");
    const pods = platformPods(config);
    const monitoringPath = [
        "prometheus-kube-prometheus-stack-prometheus",
        "kube-prometheus-stack-operator",
        "kube-prometheus-stack-kube-state-metrics",
    ];

    it("Prometheus, the Prometheus operator and kube-state-metrics run at berrys-monitoring, so no critical service preempts them", () => {
        for (const name of monitoringPath) {
            const row = pods.find((candidate) => candidate.name === name);
            assert.ok(row, name);
            assert.equal(row.priorityClassName, "berrys-monitoring", name);
        }
        const preemptible = preemptibleByCriticalServices(pods).map((row) => row.name);
        for (const name of monitoringPath)
            assert.ok(!preemptible.includes(name), `${name} is preemptible by a critical service`);
        assert.ok(
            preemptible.includes("kube-prometheus-stack-grafana"),
            "Grafana keeps priority 0: the services may take its room",
        );
    });

    it("the chart renders the class the rows say: prometheusSpec, prometheusOperator and kube-state-metrics", () => {
        const prometheus = config.addons.prometheus;
        assert.equal(prometheus.mode, "install");
        const values = kubePrometheusStackValues(
            prometheus as Extract<typeof prometheus, { mode: "install" }>,
            monitoredNamespaces(config),
        ) as any;
        assert.equal(values.prometheus.prometheusSpec.priorityClassName, MONITORING_PRIORITY_CLASS.name);
        assert.equal(values.prometheusOperator.priorityClassName, MONITORING_PRIORITY_CLASS.name);
        assert.equal(values["kube-state-metrics"].priorityClassName, MONITORING_PRIORITY_CLASS.name);
    });

    it("the capacity model's system pods carry those priorities; render's drain audit prints them and what a critical service may preempt", () => {
        const system = addonPodRequests(config);
        for (const name of monitoringPath) {
            assert.equal(system.find((row) => row.name === name)?.priority, PRIORITY_CLASSES.critical.value, name);
        }
        const text = formatDrainAudit(drainAudit(pods, SEED_FLAGS), SEED_FLAGS);
        assert.match(text, /berrys-monitoring \(100000\)/);
        const line = text.split("\n").find((entry) => entry.includes("service's pod may preempt"));
        assert.ok(line && !monitoringPath.some((name) => line.includes(name)), line);
    });
});

itKeepsOutput("drainAudit");
