import { describe, expect, it } from 'vitest';
import { fileForKey, KeyFiles } from '../../src/storage/keyedFile.js';

describe('KeyFiles', () => {
  it('gives every key the file fileForKey gives it, also after older keys were forgotten', () => {
    const files = new KeyFiles('/data/state', 3);
    const keys = ['webchat/conversations/a/', 'emulator/conversations/b/', 'c', 'd', 'e', 'a'];
    for (let pass = 0; pass < 2; pass++) {
      for (const key of keys) expect(files.path(key)).toBe(fileForKey('/data/state', key));
    }
  });

  it('keeps keys of different folders apart', () => {
    expect(new KeyFiles('/one').path('k')).not.toBe(new KeyFiles('/two').path('k'));
  });
});
