// Markdown as GitHub renders it, as far as links need: heading anchors and the links a page gives.

/** GitHub's anchor of a heading (github-slugger): the text as rendered, lower case, punctuation dropped, spaces to '-'. */
export function githubSlug(heading: string): string {
    const text = heading
        .trim()
        .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/[`*]/g, "");
    return text
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\- _]/gu, "")
        .replace(/ /g, "-");
}

/** The lines outside fenced code blocks, with their 1-based line numbers. */
function proseLines(text: string): [number, string][] {
    let fenced = false;
    const lines: [number, string][] = [];
    text.split("\n").forEach((line, index) => {
        if (/^\s*```/.test(line)) fenced = !fenced;
        else if (!fenced) lines.push([index + 1, line]);
    });
    return lines;
}

/** Every anchor a page's headings give, a repeated heading's with GitHub's `-1`, `-2` suffixes. */
export function headingAnchors(text: string): Set<string> {
    const anchors = new Set<string>();
    const seen = new Map<string, number>();
    for (const [, line] of proseLines(text)) {
        const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
        if (heading === null) continue;
        const slug = githubSlug(heading[1]);
        const count = seen.get(slug) ?? 0;
        anchors.add(count === 0 ? slug : `${slug}-${count}`);
        seen.set(slug, count + 1);
    }
    return anchors;
}

/** The targets of a page's inline links `[text](target)`, outside code, with their line numbers. */
export function markdownLinks(text: string): { line: number; target: string }[] {
    const links: { line: number; target: string }[] = [];
    for (const [line, content] of proseLines(text)) {
        const withoutCode = content.replace(/`[^`]*`/g, "");
        for (const match of withoutCode.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g))
            links.push({ line, target: match[1] });
    }
    return links;
}
