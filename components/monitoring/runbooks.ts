// One runbook entry per scaling alert: docs/runbooks.md's "Troubleshooting" section is generated from
// these (troubleshootingMarkdown), and each alert's runbook_url points at its heading's anchor, so
// the link and the text cannot drift apart.
import { ConfigCheck, configCheck, keyName } from "../../config";
import type { ScalingAlert } from "../../schema/monitoring";

export interface Runbook {
    /** What the alert means, one sentence. */
    readonly meaning: string;
    /** Which of the seed's "Common Issues" it belongs to. */
    readonly seedIssue: string;
    /** What to check, in order. */
    readonly check: readonly string[];
    /** What usually fixes it. */
    readonly fix: readonly string[];
}

export const RUNBOOKS: Readonly<Record<ScalingAlert, Runbook>> = {
    HpaAtMaxReplicas: {
        meaning:
            "The HPA has run at maxReplicas for longer than `addons.monitoring.hpaAtMaxFor`: it wants more pods than it may create (capacity warning).",
        seedIssue: "Scaling Too Slowly",
        check: [
            "`kubectl -n <namespace> describe hpa <service>-hpa`: the ScalingLimited condition says TooManyReplicas.",
            "The dashboard row of the service: is a scaling metric above its target because of real load or of a regression (latency, error rate)?",
            "Whether the namespace quota and the node group leave room for more pods (NamespaceQuotaNearLimit, NodeGroupAtMaxSize).",
        ],
        fix: [
            "Raise `services.<service>.maxReplicas` (and the quota and node group maxSize with it; `npm run render` shows the capacity check).",
            "Or make each pod do more: larger requests, or a higher target per pod.",
        ],
    },
    HpaScalingInactive: {
        meaning:
            "The HPA's ScalingActive condition is False: it cannot compute a replica count, usually because it gets no metrics.",
        seedIssue: "Not Scaling When Expected",
        check: [
            "`kubectl -n <namespace> describe hpa <service>-hpa`: the reason (FailedGetResourceMetric, FailedGetPodsMetric, InvalidSelector).",
            "`kubectl top pods -n <namespace>` answers (metrics-server) and `kubectl get --raw /apis/custom.metrics.k8s.io/v1beta1` lists the custom metric (prometheus-adapter).",
            "The Deployment's containers declare requests for every resource the HPA uses as utilization.",
            'The service exposes the counter behind its custom metric and Prometheus scrapes it (`up{namespace="<namespace>"}`).',
            'Right after a rollout, before the first request: a labelled counter exports nothing until its first child exists, so the new pods have no series and the adapter serves no value for them. To tell: `count by (pod) ({__name__="<counter>", namespace="<namespace>"})` in Prometheus lacks the pods of the new ReplicaSet while `up{namespace="<namespace>", pod=~"<service>-.*"}` is 1 for them; the service\'s /metrics shows the counter\'s HELP and TYPE lines but no sample.',
        ],
        fix: [
            "Fix the metric pipeline the reason names: metrics-server, the adapter's rule for the metric, or the service's PodMonitor.",
            "For pods without series after a rollout: the service must create each label child of its counter at start-up (`.labels(...)` once per known label set, as the services contract in docs/services-contract.md says); until it does, expect this alert after every rollout with no traffic.",
            "Ensure custom metrics are properly defined: the HPA's metric name must be the name the adapter serves.",
        ],
    },
    HpaMetricUnavailable: {
        meaning:
            "One metric the HPA scales on has no value while its other metrics do: the HPA scales up on the others alone and refuses every scale-down until the metric returns. While the others hold or raise the count ScalingActive stays True and only this alert fires; when they would scale down, the HPA sets ScalingActive=False and HpaScalingInactive fires as well.",
        seedIssue: "Not Scaling When Expected",
        check: [
            "`kubectl -n <namespace> describe hpa <service>-hpa`: the metric shows `<unknown>` and the events say FailedGetPodsMetric (custom) or FailedGetResourceMetric (cpu, memory).",
            'For a custom metric: `kubectl get --raw "/apis/custom.metrics.k8s.io/v1beta1/namespaces/<namespace>/pods/*/<metric>"` answers; prometheus-adapter\'s pods are ready (PrometheusAdapterUnavailable) and its logs show no query errors.',
            'Prometheus answers the adapter: `kubectl -n monitoring get pods -l app.kubernetes.io/name=prometheus` (one of the two replicas may be Pending in a zone without room; the other should be Running) and the service\'s counter is scraped (`up{namespace="<namespace>"}`).',
            "For cpu or memory: metrics-server is available (MetricsServerUnavailable) and the containers declare requests.",
            'Right after a rollout, before the first request: a labelled counter exports nothing until its first child exists, so the new pods have no series and the adapter serves no value for them. To tell: `count by (pod) ({__name__="<counter>", namespace="<namespace>"})` in Prometheus lacks the pods of the new ReplicaSet while `up{namespace="<namespace>", pod=~"<service>-.*"}` is 1 for them; the service\'s /metrics shows the counter\'s HELP and TYPE lines but no sample.',
        ],
        fix: [
            "Restore the pipeline the check points at: the adapter, Prometheus (free room in its zone, or let cluster-autoscaler add a node), the PodMonitor, or metrics-server.",
            "For pods without series after a rollout: the service must create each label child of its counter at start-up (`.labels(...)` once per known label set, as the services contract in docs/services-contract.md says); until it does, expect this alert after every rollout with no traffic.",
            "Until then the service does not scale down; scale it by hand only if the cost matters more than the headroom.",
        ],
    },
    HpaUnableToScale: {
        meaning:
            "The HPA's AbleToScale condition is False while its target Deployment exists: it cannot read or update the target's scale subresource. (An HPA whose Deployment the app team has not created yet also reports AbleToScale=False; that is expected and does not alert.)",
        seedIssue: "Not Scaling When Expected",
        check: [
            "`kubectl -n <namespace> describe hpa <service>-hpa`: FailedGetScale or FailedUpdateScale and the message.",
            "The Deployment named in scaleTargetRef exists and has that exact name.",
        ],
        fix: ["Check the HPA configuration for errors: scaleTargetRef kind, name and apiVersion."],
    },
    HpaReplicasMismatch: {
        meaning:
            "The HPA has wanted more replicas than its Deployment has available for longer than `addons.monitoring.replicasMismatchFor`: the pods it asked for were refused (quota), stay Pending, or never become Ready.",
        seedIssue: "Not Scaling When Expected",
        check: [
            "`kubectl -n <namespace> get events --field-selector reason=FailedCreate`: `exceeded quota` means the ResourceQuota blocks scaling.",
            "Pending pods (`kubectl -n <namespace> get pods --field-selector status.phase=Pending`) and their events: FailedScheduling means no node fits (see ClusterAutoscalerUnschedulablePods).",
            "Pods that start but never become ready (readiness probe, crash loop).",
        ],
        fix: [
            "Verify no resource quotas are blocking scaling: raise `namespace.quota` or lower requests.",
            "Give cluster-autoscaler room (node group maxSize) or fix the pods' readiness.",
        ],
    },
    HpaThrashing: {
        meaning:
            "The HPA's desired replicas changed direction more than `addons.monitoring.thrashing.directionChanges` times within `thrashing.window`.",
        seedIssue: "Scaling Too Frequently (Thrashing)",
        check: [
            "The dashboard's scale events and the service's scaling metrics over the same window: an oscillating load, or a metric that jumps with the pod count?",
            "Which metric drives the HPA at each flip (`kubectl describe hpa`, the metrics section).",
        ],
        fix: [
            "Increase `behavior.scaleDown.stabilizationWindowSeconds` (and scaleUp's, if it flips upwards).",
            "Adjust scaling policies to be less aggressive (smaller Percent or Pods per period).",
            "Check for oscillating load patterns upstream (batch jobs, retries) before tuning the HPA.",
        ],
    },
    NamespaceQuotaNearLimit: {
        meaning:
            "A ResourceQuota resource of the namespace uses more than `addons.monitoring.quotaUsageRatio` of its hard limit: the next scale-up may be refused.",
        seedIssue: "Not Scaling When Expected",
        check: [
            "`kubectl -n <namespace> describe resourcequota`: which resource is near its hard limit.",
            "The sum over services of maxReplicas x requests (plus maxSurge during rollouts) against the quota: `npm run render` prints it.",
        ],
        fix: ["Raise that key of `namespace.quota`, or lower services' maxReplicas or requests."],
    },
    NodeGroupAtMaxSize: {
        meaning:
            "A node group has been at its maxSize for longer than `addons.monitoring.nodeGroupAtMaxFor`: cluster-autoscaler can add no more nodes.",
        seedIssue: "Scaling Too Slowly",
        check: [
            "`kubectl -n kube-system get configmap cluster-autoscaler-status -o yaml`: each node group's health and limits.",
            "Pending pods and whether the HPAs are also at max (HpaAtMaxReplicas).",
        ],
        fix: ["Raise `nodeGroups.<group>.maxSize` (mind EC2 service quotas), or use larger instance types."],
    },
    ClusterAutoscalerScaleUpFailed: {
        meaning:
            "cluster-autoscaler tried to add nodes and failed (cloud provider error, API error or nodes that did not register in time).",
        seedIssue: "Scaling Too Slowly",
        check: [
            "The `reason` label: cloudProviderError, apiCallError or timeout, or an instance error code of the cloud provider (on AWS `placeholder-cannot-be-fulfilled`: the ASG could not launch the instances, usually no capacity for the instance types in the zone).",
            "cluster-autoscaler's logs (`kubectl -n kube-system logs deploy/<release>-aws-cluster-autoscaler`) and the ASG's activity history in the EC2 console.",
            "EC2 capacity or service quota errors (InsufficientInstanceCapacity, VcpuLimitExceeded) and the permissions of cluster-autoscaler's IAM role (stack output `clusterAutoscalerRoleArn`, through EKS Pod Identity).",
        ],
        fix: ["Add instance types to the node group, raise the EC2 quota, or fix the IAM policy the logs name."],
    },
    ClusterAutoscalerUnschedulablePods: {
        meaning:
            "cluster-autoscaler has seen unschedulable pods for longer than `addons.monitoring.unschedulablePodsFor` and could not place them.",
        seedIssue: "Not Scaling When Expected",
        check: [
            "`kubectl get pods -A --field-selector status.phase=Pending` and their FailedScheduling events (NotTriggerScaleUp explains why no node group fits).",
            "Whether a node group is at maxSize (NodeGroupAtMaxSize) or a pod asks for more than one node offers.",
        ],
        fix: ["Raise the node group's maxSize, or lower the pods' requests so that they fit an instance type."],
    },
    MetricsServerUnavailable: {
        meaning:
            "The v1beta1.metrics.k8s.io APIService is unavailable or metrics-server has no available replica: every CPU/memory HPA stops scaling.",
        seedIssue: "Not Scaling When Expected",
        check: [
            "`kubectl get apiservice v1beta1.metrics.k8s.io` and its condition message.",
            "`kubectl -n kube-system get deploy metrics-server` and its pods' logs (kubelet TLS or address errors).",
        ],
        fix: [
            "Restore the metrics-server Deployment; check security groups allow the control plane to reach it on 10250.",
        ],
    },
    PrometheusAdapterUnavailable: {
        meaning:
            "The v1beta1.custom.metrics.k8s.io APIService is unavailable or prometheus-adapter has no available replica: HPAs on custom metrics stop scaling.",
        seedIssue: "Not Scaling When Expected",
        check: [
            "`kubectl get apiservice v1beta1.custom.metrics.k8s.io` and its condition message.",
            "`kubectl -n monitoring get deploy prometheus-adapter`, its logs, and that its `--prometheus-url` reaches Prometheus.",
        ],
        fix: ["Restore the adapter Deployment; fix its Prometheus URL or its rules ConfigMap if it crash-loops."],
    },
};

/** The docs/runbooks.md anchor of an alert's runbook: GitHub lower-cases the heading text. */
export function runbookAnchor(alert: ScalingAlert): string {
    return alert.toLowerCase();
}

/** docs/runbooks.md's troubleshooting section, one subsection per alert (headings are the alert names). */
export function troubleshootingMarkdown(): string {
    const lines = [
        "### Scaling alerts",
        "",
        "Each alert of the `berrys-scaling` PrometheusRule links here (`runbook_url`). Thresholds are the",
        '`addons.monitoring` keys of the stack; the "Berrys scaling" Grafana dashboard shows the same series.',
        "",
    ];
    for (const [alert, runbook] of Object.entries(RUNBOOKS) as [ScalingAlert, Runbook][]) {
        lines.push(`#### ${alert}`, "", `${runbook.meaning} (Seed issue: *${runbook.seedIssue}*.)`, "", "Check:");
        runbook.check.forEach((step, index) => lines.push(`${index + 1}. ${step}`));
        lines.push("", "Fix:");
        runbook.fix.forEach((step) => lines.push(`- ${step}`));
        lines.push("");
    }
    return lines.join("\n");
}

/** A base URL ending in README.md (or README): the README holds no runbooks. */
const README_PAGE = /(^|\/)README(\.md)?$/i;

/**
 * Warns when `addons.monitoring.runbookBaseUrl` names the README: the alert headings are in
 * docs/runbooks.md, so every alert's runbook_url would open a page without its anchor.
 */
export const runbookBaseUrlCheck: ConfigCheck = configCheck(
    "A runbookBaseUrl that names the README is a warning: the alert runbooks are in docs/runbooks.md.",
    (config) => {
        const base = config.addons.monitoring.runbookBaseUrl;
        const path = base.split("?")[0];
        if (!README_PAGE.test(path)) return { errors: [], warnings: [] };
        const suggested = path.replace(README_PAGE, "$1docs/runbooks.md");
        return {
            errors: [],
            warnings: [
                `${keyName(["addons", "monitoring", "runbookBaseUrl"])} (${base}) points at the README, which holds no alert runbooks\n` +
                    `set it to ${suggested}: the runbooks and their anchors are in docs/runbooks.md, so each alert's runbook_url opens a missing heading`,
            ],
        };
    },
);
