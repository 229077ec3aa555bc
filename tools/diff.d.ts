// The one function of jsdiff (`diff` 7.0.0, which ships no types) that tools/proposal.ts calls.
declare module "diff" {
    /** A unified diff of two texts, headed `===`, `--- oldFileName`, `+++ newFileName`. */
    export function createTwoFilesPatch(
        oldFileName: string,
        newFileName: string,
        oldStr: string,
        newStr: string,
        oldHeader?: string,
        newHeader?: string,
        options?: { context?: number },
    ): string;
}
