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

/** Add-on pins per Kubernetes minor; a row may lack an add-on (preview then refuses the minor). */
export type AddonVersionTable = Readonly<Record<string, Readonly<Partial<Record<EksAddonName, AddonPin>>>>>;

/** Where an add-on version was read, when, and what the source says. */
export interface AddonSource {
    readonly url: string;
    /** The day it was read, YYYY-MM-DD. */
    readonly read: string;
    /** The versions the source lists, and for which minors. */
    readonly says: string;
}

/**
 * The sources of EKS_ADDON_VERSIONS. The EKS user guide's "latest version for each Kubernetes
 * version" tables come first (the Japanese copies of the kube-proxy and CoreDNS pages list 1.36
 * and later builds than the English copies found; version strings are not translated); where the
 * guide has no row, the per-minor `versionMap` of AWS Labs' EKS Blueprints (awslabs/cdk-eks-blueprints).
 */
export const ADDON_SOURCES = {
    vpcCniUserGuide: {
        url: "https://docs.aws.amazon.com/eks/latest/userguide/managing-vpc-cni.md",
        read: "2026-12-07",
        says: "Amazon VPC CNI versions: v1.20.4-eksbuild.1 for each minor 1.28-1.34; no row for 1.35 or 1.36",
    },
    vpcCniBlueprints: {
        url: "https://github.com/awslabs/cdk-eks-blueprints/blob/0b82904e63fdb198505f94f27726d0da40a6dbeb/lib/addons/vpc-cni/index.ts",
        read: "2026-12-07",
        says:
            "versionMap at commit 0b82904e (EKS Kubernetes 1.35 support, on main after tag blueprints-1.18.2): " +
            "V1_35 v1.21.1-eksbuild.1, V1_31 to V1_34 v1.20.4-eksbuild.2; no V1_36",
    },
    kubeProxyUserGuide: {
        url: "https://docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-kube-proxy.md",
        read: "2026-12-07",
        says:
            "kube-proxy versions: 1.36 v1.36.0-eksbuild.14, 1.35 v1.35.3-eksbuild.13, 1.34 v1.34.6-eksbuild.13, " +
            "1.33 v1.33.10-eksbuild.13, 1.32 v1.32.13-eksbuild.16",
    },
    corednsUserGuide: {
        url: "https://docs.aws.amazon.com/ja_jp/eks/latest/userguide/managing-coredns.md",
        read: "2026-12-07",
        says:
            "CoreDNS versions: 1.36 and 1.35 v1.14.3-eksbuild.3, 1.34 v1.13.2-eksbuild.11, 1.33 v1.12.4-eksbuild.18, " +
            "1.32 v1.11.4-eksbuild.40",
    },
    podIdentityBlueprints: {
        url: "https://github.com/awslabs/cdk-eks-blueprints/blob/0b82904e63fdb198505f94f27726d0da40a6dbeb/lib/addons/eks-pod-identity-agent/index.ts",
        read: "2026-12-07",
        says:
            "versionMap: V1_31 to V1_35 v1.3.10-eksbuild.2; no V1_36. The EKS user guide has no version table " +
            "for the agent (pod-id-agent-setup shows v1.0.0-eksbuild.1 as an example)",
    },
    ebsCsiDriver: {
        url: "https://github.com/kubernetes-sigs/aws-ebs-csi-driver#compatibility",
        read: "2026-12-07",
        says:
            "Compatibility: every release is compatible with all Kubernetes versions Amazon EKS supports, extended " +
            "support included. The build v1.66.0-eksbuild.1 is the one AWS marked defaultVersion for 1.36 on " +
            "2026-09-21 (describe-addon-versions quoted in mitodl/ol-infrastructure pull 5959); the user guide has no table",
    },
} as const satisfies Record<string, AddonSource>;

/** One add-on version for one minor, and where it comes from. */
export interface AddonPin {
    /** The EKS add-on version, `vX.Y.Z-eksbuild.N`. */
    readonly version: string;
    readonly source: AddonSource;
    /**
     * `confirmed`: the source, AWS's own, lists this version for this minor. `unconfirmed`: taken from
     * another minor's row (`fromMinor`) or from a third party's page; preview refuses it for the
     * stack's minor (`compatibilityCheck`) until `aws eks describe-addon-versions` confirms it.
     */
    readonly status: "confirmed" | "unconfirmed";
    /** For a version taken from another minor's row: that minor. */
    readonly fromMinor?: string;
}

const confirmed = (version: string, source: AddonSource): AddonPin => ({ version, source, status: "confirmed" });
/** Another minor's pin, for a minor its source has no row for. */
const takenFrom = (fromMinor: string, pin: AddonPin): AddonPin => ({ ...pin, status: "unconfirmed", fromMinor });

const VPC_CNI = confirmed("v1.20.4-eksbuild.1", ADDON_SOURCES.vpcCniUserGuide);
const VPC_CNI_1_35 = confirmed("v1.21.1-eksbuild.1", ADDON_SOURCES.vpcCniBlueprints);
const POD_IDENTITY_AGENT = confirmed("v1.3.10-eksbuild.2", ADDON_SOURCES.podIdentityBlueprints);
const EBS_CSI_DRIVER = confirmed("v1.66.0-eksbuild.1", ADDON_SOURCES.ebsCsiDriver);
const kubeProxy = (version: string) => confirmed(version, ADDON_SOURCES.kubeProxyUserGuide);
const coredns = (version: string) => confirmed(version, ADDON_SOURCES.corednsUserGuide);

/**
 * The EKS add-on versions per Kubernetes minor. Only minors still inside EKS's extended support
 * (EKS_VERSION_CALENDAR) have rows; preview refuses a minor whose row is incomplete or holds an
 * unconfirmed pin (`compatibilityCheck`).
 */
export const EKS_ADDON_VERSIONS: AddonVersionTable = {
    "1.32": {
        "vpc-cni": VPC_CNI,
        "kube-proxy": kubeProxy("v1.32.13-eksbuild.16"),
        coredns: coredns("v1.11.4-eksbuild.40"),
        "eks-pod-identity-agent": POD_IDENTITY_AGENT,
        "aws-ebs-csi-driver": EBS_CSI_DRIVER,
    },
    "1.33": {
        "vpc-cni": VPC_CNI,
        "kube-proxy": kubeProxy("v1.33.10-eksbuild.13"),
        coredns: coredns("v1.12.4-eksbuild.18"),
        "eks-pod-identity-agent": POD_IDENTITY_AGENT,
        "aws-ebs-csi-driver": EBS_CSI_DRIVER,
    },
    "1.34": {
        "vpc-cni": VPC_CNI,
        "kube-proxy": kubeProxy("v1.34.6-eksbuild.13"),
        coredns: coredns("v1.13.2-eksbuild.11"),
        "eks-pod-identity-agent": POD_IDENTITY_AGENT,
        "aws-ebs-csi-driver": EBS_CSI_DRIVER,
    },
    "1.35": {
        "vpc-cni": VPC_CNI_1_35,
        "kube-proxy": kubeProxy("v1.35.3-eksbuild.13"),
        coredns: coredns("v1.14.3-eksbuild.3"),
        "eks-pod-identity-agent": POD_IDENTITY_AGENT,
        "aws-ebs-csi-driver": EBS_CSI_DRIVER,
    },
    "1.36": {
        "vpc-cni": takenFrom("1.35", VPC_CNI_1_35),
        "kube-proxy": kubeProxy("v1.36.0-eksbuild.14"),
        coredns: coredns("v1.14.3-eksbuild.3"),
        "eks-pod-identity-agent": takenFrom("1.35", POD_IDENTITY_AGENT),
        "aws-ebs-csi-driver": EBS_CSI_DRIVER,
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
