// The services' namespace and its guardrails: Pod Security Admission labels, the ResourceQuota
// that caps what the HPAs can scale to, and the LimitRange defaults that let a container without
// declared resources through that quota.
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { NamespaceConfig, PlatformConfig } from "../config";
import { configCheck, keyName } from "../config";
import { MONITORING_NAMESPACE, NODE_EXPORTER_NAMESPACE } from "../catalog/charts";
import { HEADROOM } from "../catalog/headroom";

export interface NamespaceGuardrailsArgs {
    /** `namespace` in the stack's config. */
    readonly namespace: NamespaceConfig;
    readonly labels: Readonly<Record<string, string>>;
}

/** Pod Security Admission labels: the configured level enforced, `restricted` warned and audited. */
export function podSecurityLabels(level: NamespaceConfig["podSecurity"]): Record<string, string> {
    return {
        "pod-security.kubernetes.io/enforce": level,
        "pod-security.kubernetes.io/enforce-version": "latest",
        "pod-security.kubernetes.io/warn": "restricted",
        "pod-security.kubernetes.io/warn-version": "latest",
        "pod-security.kubernetes.io/audit": "restricted",
        "pod-security.kubernetes.io/audit-version": "latest",
    };
}

/** The ResourceQuota's name, as the seed names it: `<namespace>-quota`. */
export function quotaName(namespace: string): string {
    return `${namespace}-quota`;
}

export function resourceQuotaSpec(namespace: NamespaceConfig) {
    return { hard: { ...namespace.quota } as Record<string, string> };
}

/**
 * Container defaults: a quota on requests.* / limits.* rejects any pod whose containers declare
 * none, so the LimitRange fills them in.
 */
export function limitRangeSpec(namespace: NamespaceConfig) {
    return {
        limits: [
            {
                type: "Container",
                defaultRequest: { ...namespace.limitRange.defaultRequest },
                default: { ...namespace.limitRange.default },
            },
        ],
    };
}

export class NamespaceGuardrails extends pulumi.ComponentResource {
    public readonly namespace: k8s.core.v1.Namespace;
    public readonly namespaceName: pulumi.Output<string>;
    public readonly resourceQuota: k8s.core.v1.ResourceQuota;

    constructor(name: string, args: NamespaceGuardrailsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("berrys:platform:NamespaceGuardrails", name, {}, opts);
        const config = args.namespace;
        this.namespace = new k8s.core.v1.Namespace(
            `${name}-namespace`,
            {
                metadata: { name: config.name, labels: { ...args.labels, ...podSecurityLabels(config.podSecurity) } },
            },
            { parent: this, protect: config.protect },
        );
        this.namespaceName = this.namespace.metadata.name;
        const inNamespace = { parent: this, dependsOn: [this.namespace] };
        this.resourceQuota = new k8s.core.v1.ResourceQuota(
            `${name}-quota`,
            {
                metadata: { name: quotaName(config.name), namespace: this.namespaceName, labels: { ...args.labels } },
                spec: resourceQuotaSpec(config),
            },
            inNamespace,
        );
        new k8s.core.v1.LimitRange(
            `${name}-limits`,
            {
                metadata: {
                    name: `${config.name}-defaults`,
                    namespace: this.namespaceName,
                    labels: { ...args.labels },
                },
                spec: limitRangeSpec(config),
            },
            inNamespace,
        );
        this.registerOutputs({ namespace: this.namespaceName, resourceQuota: this.resourceQuota.metadata.name });
    }
}

/** Namespaces every EKS cluster has, or the add-ons own: the services' quota and policies must not land there. */
export const RESERVED_NAMESPACES = [
    "default",
    "kube-system",
    "kube-public",
    "kube-node-lease",
    MONITORING_NAMESPACE,
    NODE_EXPORTER_NAMESPACE,
    HEADROOM.namespace,
] as const;

export const namespaceCollisionCheck = configCheck(
    "namespace.name must not be a namespace every cluster has (default, kube-*) or one the add-ons own (monitoring, the headroom's).",
    (config: PlatformConfig) => {
        const name = config.namespace.name;
        return {
            errors: (RESERVED_NAMESPACES as readonly string[]).includes(name)
                ? [
                      `${keyName(["namespace", "name"])} (${name}) must not be a namespace the cluster or the add-ons already use: the services' quota would apply there\n` +
                          `use a namespace of the services' own, e.g. berrys-production (reserved: ${RESERVED_NAMESPACES.join(", ")})`,
                  ]
                : [],
            warnings: [],
        };
    },
);
