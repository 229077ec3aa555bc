// What is coupled to the cluster's Kubernetes minor, one row per minor: pure data, read by the
// components that install it and by the checks that refuse a minor without a complete row.

/**
 * The newest cluster-autoscaler patch for each Kubernetes minor (git tags `cluster-autoscaler-<ver>`
 * of kubernetes/autoscaler at 55c37cd, read 2026-08-22). CA follows Kubernetes minors
 * exactly and is only tested against its own minor, so the chart's default tag (v1.35.0 in 9.59.0)
 * is never used. A new minor means a new row here (docs/operations.md "Upgrading Kubernetes (runbook)").
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Readonly<Record<string, string>> = {
    "1.32": "v1.32.7",
    "1.33": "v1.33.6",
    "1.34": "v1.34.5",
    "1.35": "v1.35.2",
    "1.36": "v1.36.1",
};

/** The EKS add-ons whose version is coupled to the cluster's minor, as EKS names them. */
export const EKS_ADDONS = ["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent", "aws-ebs-csi-driver"] as const;
export type EksAddonName = (typeof EKS_ADDONS)[number];

/** Where an add-on's versions were read, and when. */
export interface AddonSource {
    readonly url: string;
    readonly read: string;
    /** What the source is, when it is not the add-on's own version table in the EKS user guide. */
    readonly note?: string;
}

/**
 * The EKS user guide's "latest version of the Amazon EKS add-on type for each Kubernetes version"
 * tables, in the newest copy found of each page (the Japanese copies of the kube-proxy and CoreDNS
 * pages list 1.36 and carry later eksbuild numbers than the English copies found; version strings
 * are not translated). The user guide has no such table for the Pod Identity agent or the EBS CSI
 * driver: their sources say so.
 */
export const ADDON_SOURCES: Readonly<Record<EksAddonName, AddonSource>> = {
    "vpc-cni": { url: "https://docs.aws.amazon.com/eks/latest/userguide/managing-vpc-cni.md", read: "2026-12-02" },
    "kube-proxy": {
        url: "https://docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-kube-proxy.md",
        read: "2026-12-02",
    },
    coredns: { url: "https://docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-coredns.md", read: "2026-12-02" },
    "eks-pod-identity-agent": {
        url: "https://github.com/nvhuu99/order-system-deploy/blob/HEAD/pod_identity_agent.tf",
        read: "2026-12-02",
        note:
            "no version table in the EKS user guide (pod-id-agent-setup shows only v1.0.0-eksbuild.1 as an example); " +
            "the build a public stack pins; the agent does not follow Kubernetes minors. " +
            "Confirm with `aws eks describe-addon-versions --addon-name eks-pod-identity-agent --kubernetes-version <minor>`",
    },
    "aws-ebs-csi-driver": {
        url: "https://github.com/mitodl/ol-infrastructure/pull/5959",
        read: "2026-12-02",
        note:
            "no version table in the EKS user guide; the build AWS marked defaultVersion for 1.36 on 2026-09-21. " +
            "The driver supports every minor EKS supports, extended support included (kubernetes-sigs/aws-ebs-csi-driver " +
            "README, section Compatibility), and only its latest and previous release (its section Support). " +
            "Confirm with `aws eks describe-addon-versions --addon-name aws-ebs-csi-driver --kubernetes-version <minor>`",
    },
};

/** One add-on version for one minor. */
export interface AddonPin {
    /** The EKS add-on version, `vX.Y.Z-eksbuild.N`. */
    readonly version: string;
    /**
     * Set when the source has no row for this minor: the minor whose version is used instead, which
     * the add-on's compatibility notes allow (the VPC CNI table lists one build for every minor).
     */
    readonly fromMinor?: string;
}

const VPC_CNI = "v1.20.4-eksbuild.1";
const POD_IDENTITY_AGENT = "v1.3.9-eksbuild.3";
const EBS_CSI_DRIVER = "v1.66.0-eksbuild.1";

/**
 * The EKS add-on versions per Kubernetes minor (sources: ADDON_SOURCES). Only minors still inside
 * EKS's extended support (EKS_VERSION_CALENDAR) have rows; every row names all of EKS_ADDONS, and
 * preview refuses a minor whose row is missing or incomplete (`compatibilityCheck`).
 */
export const EKS_ADDON_VERSIONS: Readonly<Record<string, Readonly<Partial<Record<EksAddonName, AddonPin>>>>> = {
    "1.32": {
        "vpc-cni": { version: VPC_CNI },
        "kube-proxy": { version: "v1.32.13-eksbuild.16" },
        coredns: { version: "v1.11.4-eksbuild.40" },
        "eks-pod-identity-agent": { version: POD_IDENTITY_AGENT },
        "aws-ebs-csi-driver": { version: EBS_CSI_DRIVER },
    },
    "1.33": {
        "vpc-cni": { version: VPC_CNI },
        "kube-proxy": { version: "v1.33.10-eksbuild.13" },
        coredns: { version: "v1.12.4-eksbuild.18" },
        "eks-pod-identity-agent": { version: POD_IDENTITY_AGENT },
        "aws-ebs-csi-driver": { version: EBS_CSI_DRIVER },
    },
    "1.34": {
        "vpc-cni": { version: VPC_CNI },
        "kube-proxy": { version: "v1.34.6-eksbuild.13" },
        coredns: { version: "v1.13.2-eksbuild.11" },
        "eks-pod-identity-agent": { version: POD_IDENTITY_AGENT },
        "aws-ebs-csi-driver": { version: EBS_CSI_DRIVER },
    },
    "1.35": {
        // The VPC CNI table read stops at 1.34 and lists one build for 1.28-1.34.
        "vpc-cni": { version: VPC_CNI, fromMinor: "1.34" },
        "kube-proxy": { version: "v1.35.3-eksbuild.13" },
        coredns: { version: "v1.14.3-eksbuild.3" },
        "eks-pod-identity-agent": { version: POD_IDENTITY_AGENT },
        "aws-ebs-csi-driver": { version: EBS_CSI_DRIVER },
    },
    "1.36": {
        "vpc-cni": { version: VPC_CNI, fromMinor: "1.34" },
        "kube-proxy": { version: "v1.36.0-eksbuild.14" },
        coredns: { version: "v1.14.3-eksbuild.3" },
        "eks-pod-identity-agent": { version: POD_IDENTITY_AGENT },
        "aws-ebs-csi-driver": { version: EBS_CSI_DRIVER },
    },
};

/** EKS's support dates for one minor (UTC, as the calendar gives them). */
export interface SupportDates {
    readonly endOfStandardSupport: string;
    readonly endOfExtendedSupport: string;
}

/**
 * The Amazon EKS Kubernetes release calendar (https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.md,
 * read 2026-12-02: rows 1.29-1.35; 1.27 and 1.28 from the user guide's kubernetes-versions.adoc at
 * awsdocs/amazon-eks-user-guide 8596db8). After the end of extended support EKS creates no cluster
 * of the minor and upgrades existing control planes by itself. A minor newer than the newest row
 * was not yet in the calendar read; one older than the oldest row is long past its end.
 */
export const EKS_VERSION_CALENDAR: Readonly<Record<string, SupportDates>> = {
    "1.27": { endOfStandardSupport: "2024-07-24", endOfExtendedSupport: "2025-07-24" },
    "1.28": { endOfStandardSupport: "2024-11-26", endOfExtendedSupport: "2025-11-26" },
    "1.29": { endOfStandardSupport: "2025-03-23", endOfExtendedSupport: "2026-03-23" },
    "1.30": { endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
    "1.31": { endOfStandardSupport: "2025-11-26", endOfExtendedSupport: "2026-11-26" },
    "1.32": { endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
    "1.33": { endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
    "1.34": { endOfStandardSupport: "2026-12-02", endOfExtendedSupport: "2027-12-02" },
    "1.35": { endOfStandardSupport: "2027-03-27", endOfExtendedSupport: "2028-03-27" },
};

/**
 * What EKS bills per cluster-hour, USD, while a minor is in standard and in extended support
 * (https://aws.amazon.com/eks/pricing/, read 2026-12-02; the figures).
 */
export const EKS_CLUSTER_HOURLY_PRICE = { standard: 0.1, extended: 0.6 } as const;
