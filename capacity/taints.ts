// Node group taints: which groups the platform's pods can run on, and the spellings the taints take
// on their way to the nodes (EKS's, Kubernetes', cluster-autoscaler's ASG tags). Pure.
import { configCheck, keyName } from "../config";
import type { ConfigCheck, NodeGroupConfig, PlatformConfig } from "../config";

export type Taint = NodeGroupConfig["taints"][number];

/** EKS's effect names in Kubernetes' spelling (pulumi-eks v4.3.0 `mapMngTaintEffect` maps them the same way). */
export const KUBERNETES_EFFECT = {
    NO_SCHEDULE: "NoSchedule",
    NO_EXECUTE: "NoExecute",
    PREFER_NO_SCHEDULE: "PreferNoSchedule",
} as const satisfies Record<Taint["effect"], string>;

/**
 * The taints a pod without a matching toleration cannot get past: NoSchedule and NoExecute keep it
 * off the node; PreferNoSchedule only makes the scheduler try other nodes first.
 */
export function repellingTaints(taints: readonly Taint[]): Taint[] {
    return taints.filter((taint) => taint.effect !== "PREFER_NO_SCHEDULE");
}

/**
 * Whether the add-ons' and the services' pods can run on the group's nodes: none of them carries a
 * toleration for a taint the stack file declares (the add-ons' charts tolerate none by default).
 */
export function takesPlatformPods(group: Pick<NodeGroupConfig, "taints">): boolean {
    return repellingTaints(group.taints).length === 0;
}

/** Only PreferNoSchedule taints: the platform's pods land there when no other node has room. */
export function avoidedByPlatformPods(group: Pick<NodeGroupConfig, "taints">): boolean {
    return group.taints.length > 0 && takesPlatformPods(group);
}

/** `key=value:Effect`, as `kubectl describe node` shows a taint. */
export function taintText(taint: Taint): string {
    return `${taint.key}${taint.value !== undefined ? `=${taint.value}` : ""}:${KUBERNETES_EFFECT[taint.effect]}`;
}

/**
 * The auto-scaling group tags cluster-autoscaler reads to know a group's taints while it has no
 * node (kubernetes/autoscaler cluster-autoscaler-1.34.5, cloudprovider/aws/README.md, "scaling up
 * from 0 nodes"): `k8s.io/cluster-autoscaler/node-template/taint/<key>` = `<value>:<Effect>`.
 * EKS's DescribeNodegroup answers for a group only until it first had nodes (same README), so
 * without the tags a group scaled back to zero looks untainted and takes pods that cannot run there.
 */
export function nodeTemplateTaintTags(taints: readonly Taint[]): Record<string, string> {
    return Object.fromEntries(
        taints.map((taint) => [
            `k8s.io/cluster-autoscaler/node-template/taint/${taint.key}`,
            `${taint.value ?? ""}:${KUBERNETES_EFFECT[taint.effect]}`,
        ]),
    );
}

/** The node groups the platform's pods can run on, by name. */
export function platformNodeGroups(config: Pick<PlatformConfig, "nodeGroups">): string[] {
    return Object.entries(config.nodeGroups)
        .filter(([, group]) => takesPlatformPods(group))
        .map(([name]) => name);
}

/**
 * Preview refuses node groups that all repel the platform's pods: the add-ons (cluster-autoscaler,
 * CoreDNS, Prometheus, ...) and the services would stay Pending with nothing to run them.
 */
export const nodeGroupTaintsCheck: ConfigCheck = configCheck(
    "At least one node group has no NO_SCHEDULE or NO_EXECUTE taint: the add-ons and the services tolerate none.",
    (config: PlatformConfig) => {
        const groups = Object.keys(config.nodeGroups);
        if (groups.length === 0 || platformNodeGroups(config).length > 0) return { errors: [], warnings: [] };
        return {
            errors: [
                `${keyName(["nodeGroups"])} (${groups.join(", ")}) must keep a group without NO_SCHEDULE or NO_EXECUTE taints: ` +
                    "the add-ons and the services tolerate none, so they would stay Pending\n" +
                    "add a node group without taints, or make one group's taints PREFER_NO_SCHEDULE",
            ],
            warnings: [],
        };
    },
);
