/**
 * Token windows for an analysis run: core's `textWindows` (the text dataset cut into `contextLength`-token
 * windows, with errors that say how to fix the input).
 */
import { textWindows, type TextWindowParams } from '@marr/core';

export type WindowParams = TextWindowParams;

export const analysisWindows = textWindows;
