/** The OCR side of a search from the configuration: the cache, the tools, the one tool check. Shared by `search` and `view`. */
import { checkTesseract } from '../adapters/tesseract';
import { openOcrCache } from './ocrCache';
import type { OcrSetup } from './searchSessions';

export function ocrSetup(config: { readonly cacheDir: string; readonly ffmpegPath: string; readonly tesseractPath: string }, env: NodeJS.ProcessEnv): OcrSetup {
  return {
    cache: openOcrCache(config.cacheDir),
    tools: { ffmpegPath: config.ffmpegPath, tesseractPath: config.tesseractPath, env },
    check: () => checkTesseract(config.tesseractPath, env),
  };
}
