/** Limits shared by the command line and the playground (the data's are in runtime/data/limits.ts; all are listed in language/REFERENCE.md, "Limits"). */

/** The largest program file: 1 MiB of UTF-8 text (a program is a page or two of rules; a larger file is a mistake, such as a data file given as the program). */
export const MAX_PROGRAM_BYTES = 1 << 20;
