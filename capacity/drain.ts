// The drain audit: cluster-autoscaler's rules for which pods keep a node from being removed, applied
// to the platform's own pods (catalog/platform-pods.ts). Pure. Follows cluster-autoscaler-1.34.5
// simulator/drainability/rules: `Default` lists the rules in order and `Rules.Drainable` takes the
// first with an outcome; which rules apply here and what each decides: docs/design/capacity.md.
import type { PlatformPod } from "../catalog/platform-pods";
import { PRIORITY_CLASSES, priorityValue } from "../catalog/priority-classes";

/** cluster-autoscaler's `--blocking-system-pod-distruption-timeout` default (config/flags/flags.go `bspDisruptionTimeout`). */
export const BLOCKING_SYSTEM_POD_TIMEOUT = "1h";

/** The flags the rules read (the stack's `addons.clusterAutoscaler`). */
export interface DrainFlags {
    readonly skipNodesWithLocalStorage: boolean;
    readonly skipNodesWithSystemPods: boolean;
}

/** utils/drain/drain.go BlockingPodReason, for the reasons that can apply to the platform's pods. */
export type BlockingReason =
    | "UnmovableKubeSystemPod"
    | "NotSafeToEvictAnnotation"
    | "LocalStorageRequested"
    | "NotEnoughPdb";

export interface DrainVerdict {
    readonly pod: PlatformPod;
    /** The rule that decided (rules.go names), or "none" when no rule has an outcome (drainable). */
    readonly rule: "DaemonSet" | "SafeToEvict" | "System" | "NotSafeToEvict" | "LocalStorage" | "PDB" | "none";
    /** null: cluster-autoscaler may evict the pod and remove its node. */
    readonly blocks: null | {
        readonly reason: BlockingReason;
        readonly message: string;
        /** The pin lasts until this long after each pod's creation; undefined: for good. */
        readonly until?: string;
    };
}

/** Evictions a PDB allows with every replica healthy (the disruption controller's disruptionsAllowed). */
export function disruptionsAllowed(pod: Pick<PlatformPod, "replicas" | "pdb">): number | null {
    const pdb = pod.pdb;
    if (pdb === null) return null;
    if (pdb.maxUnavailable !== undefined) return Math.max(0, pdb.maxUnavailable);
    if (pdb.minAvailable !== undefined) return Math.max(0, pod.replicas - pdb.minAvailable);
    return null;
}

/** The local volumes that keep the pod's node: on the node's disk and not declared safe to evict. */
export function blockingLocalVolumes(pod: Pick<PlatformPod, "localVolumes" | "safeToEvictLocalVolumes">): string[] {
    const safe = new Set(pod.safeToEvictLocalVolumes);
    return pod.localVolumes
        .filter((volume) => volume.kind === "hostPath" || volume.medium !== "Memory")
        .filter((volume) => !safe.has(volume.name))
        .map((volume) => volume.name);
}

/** Whether cluster-autoscaler would evict the pod to remove its node, and if not, which rule stops it. */
export function drainVerdict(pod: PlatformPod, flags: DrainFlags): DrainVerdict {
    if (pod.kind === "DaemonSet") return { pod, rule: "DaemonSet", blocks: null };
    if (pod.safeToEvict === "true") return { pod, rule: "SafeToEvict", blocks: null };
    if (flags.skipNodesWithSystemPods && pod.namespace === "kube-system" && pod.pdb === null) {
        return {
            pod,
            rule: "System",
            blocks: {
                reason: "UnmovableKubeSystemPod",
                message: `a kube-system pod that no PodDisruptionBudget matches: cluster-autoscaler keeps its node for ${BLOCKING_SYSTEM_POD_TIMEOUT} after the pod's creation`,
                until: BLOCKING_SYSTEM_POD_TIMEOUT,
            },
        };
    }
    if (pod.safeToEvict === "false") {
        return {
            pod,
            rule: "NotSafeToEvict",
            blocks: {
                reason: "NotSafeToEvictAnnotation",
                message: 'annotated cluster-autoscaler.kubernetes.io/safe-to-evict: "false"',
            },
        };
    }
    const local = blockingLocalVolumes(pod);
    if (flags.skipNodesWithLocalStorage && local.length > 0) {
        return {
            pod,
            rule: "LocalStorage",
            blocks: {
                reason: "LocalStorageRequested",
                message: `local volume${local.length === 1 ? "" : "s"} ${local.join(", ")} missing from cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes`,
            },
        };
    }
    const allowed = disruptionsAllowed(pod);
    if (allowed !== null && allowed < 1) {
        return {
            pod,
            rule: "PDB",
            blocks: {
                reason: "NotEnoughPdb",
                message: `its PodDisruptionBudget allows no eviction at ${pod.replicas} replicas`,
            },
        };
    }
    return { pod, rule: "none", blocks: null };
}

export function drainAudit(pods: readonly PlatformPod[], flags: DrainFlags): DrainVerdict[] {
    return pods.map((pod) => drainVerdict(pod, flags));
}

/**
 * The platform's pods a critical service's pod may preempt when nodes are full (the scheduler evicts
 * only lower priorities; kubernetes v1.34 defaultpreemption `SelectVictimsOnNode`): what the services
 * can take at peak. Prometheus, its operator and kube-state-metrics must never be among them.
 */
export function preemptibleByCriticalServices(pods: readonly PlatformPod[]): PlatformPod[] {
    return pods.filter(
        (pod) => pod.kind !== "DaemonSet" && priorityValue(pod.priorityClassName) < PRIORITY_CLASSES.critical.value,
    );
}

/** Pins the audit does not list as intended: what the drain test fails on. */
export function unintendedPins(verdicts: readonly DrainVerdict[]): DrainVerdict[] {
    return verdicts.filter((verdict) => verdict.blocks !== null && verdict.pod.intendedPin === undefined);
}

/** The audit table's columns. */
const AUDIT_COLUMNS = [
    "pod",
    "namespace",
    "kind",
    "replicas",
    "requests",
    "priority",
    "local volumes (safe to evict: *)",
    "PDB",
    "verdict",
] as const;

/** "tmp*, config-out (memory)": the pod's local volumes, those it may lose starred. */
function volumesText(pod: PlatformPod): string {
    if (pod.localVolumes.length === 0) return "-";
    const safe = new Set(pod.safeToEvictLocalVolumes);
    return pod.localVolumes
        .map(
            (volume) =>
                `${volume.name}${volume.kind === "hostPath" ? " (hostPath)" : volume.medium === "Memory" ? " (memory)" : ""}${safe.has(volume.name) ? "*" : ""}`,
        )
        .join(", ");
}

function pdbText(pdb: PlatformPod["pdb"]): string {
    if (pdb === null) return "none";
    return pdb.maxUnavailable !== undefined
        ? `maxUnavailable ${pdb.maxUnavailable}`
        : `minAvailable ${pdb.minAvailable}`;
}

/** One row of the table, a cell per AUDIT_COLUMNS entry. */
function auditRow({ pod, blocks }: DrainVerdict): string[] {
    const verdict =
        blocks === null
            ? "drainable"
            : `PINS its node${blocks.until ? ` for ${blocks.until}` : ""} (${blocks.reason})${pod.intendedPin ? ", intended" : ""}`;
    return [
        pod.name,
        pod.namespace,
        pod.kind,
        pod.kind === "DaemonSet" ? "per node" : String(pod.replicas),
        pod.kind === "DaemonSet" ? "per node" : `${pod.requests.cpu}/${pod.requests.memory}`,
        `${pod.priorityClassName ?? "none"} (${priorityValue(pod.priorityClassName)})`,
        volumesText(pod),
        pdbText(pod.pdb),
        verdict,
    ];
}

/** The audit as `npm run render` prints it. */
export function formatDrainAudit(verdicts: readonly DrainVerdict[], flags: DrainFlags): string {
    const rows = verdicts.map(auditRow);
    const widths = AUDIT_COLUMNS.map((title, column) =>
        Math.max(title.length, ...rows.map((row) => row[column].length)),
    );
    const line = (cells: readonly string[]) =>
        `  ${cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]))).join("  ")}`;
    const pinned = verdicts.filter((verdict) => verdict.blocks !== null);
    const notes = pinned.map(
        ({ pod, blocks }) =>
            `  - ${pod.name}: ${blocks!.message}; ${pod.intendedPin ? `intended: ${pod.intendedPin}` : "NOT intended: fix it or list the pin with its reason in catalog/platform-pods.ts"}`,
    );
    const preemptible = preemptibleByCriticalServices(verdicts.map(({ pod }) => pod)).map((pod) => pod.name);
    return [
        `Drain audit: the platform's pods against cluster-autoscaler 1.34's drain rules ` +
            `(--skip-nodes-with-local-storage=${flags.skipNodesWithLocalStorage}, --skip-nodes-with-system-pods=${flags.skipNodesWithSystemPods}, ` +
            `--blocking-system-pod-distruption-timeout=${BLOCKING_SYSTEM_POD_TIMEOUT})`,
        line(AUDIT_COLUMNS),
        ...rows.map(line),
        pinned.length === 0 ? "  No pod keeps its node." : `  Pods that keep their node (${pinned.length}):`,
        ...notes,
        `  A ${PRIORITY_CLASSES.critical.name} service's pod may preempt, when nodes are full: ` +
            `${preemptible.join(", ") || "none of these pods"}.`,
    ].join("\n");
}
