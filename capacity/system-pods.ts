// The platform's own pods that the capacity model and the simulator count: every row of
// catalog/platform-pods.ts but the DaemonSets (those are `guardrails.daemonSetRequestsPerNode`
// on every node), with the requests the charts and the stack's config give them.
import { platformPods } from "../catalog/platform-pods";
import { priorityValue } from "../catalog/priority-classes";
import type { PlatformConfig } from "../config";
import { parseQuantity } from "../quantity";
import type { SystemPod } from "./model";

/**
 * The add-ons' pods with their requests (CPU in cores, memory in bytes), for the capacity model:
 * the same table the drain audit and the simulator read. Pods whose charts set no requests
 * (the operator, kube-state-metrics, Alertmanager, Grafana) count as pods with none.
 */
export function addonPodRequests(config: PlatformConfig): SystemPod[] {
    return platformPods(config)
        .filter((pod) => pod.kind !== "DaemonSet")
        .map(
            (pod): SystemPod => ({
                name: pod.name,
                namespace: pod.namespace,
                replicas: pod.replicas,
                requests: { cpu: parseQuantity(pod.requests.cpu), memory: parseQuantity(pod.requests.memory) },
                priority: priorityValue(pod.priorityClassName),
            }),
        );
}
