// The support-hours policy: the one place that decides how and when a member can get help.
export { instantOf } from './clock.js';
export {
  type ChannelDecision,
  type ChannelKind,
  type Decision,
  decide,
  type WebInquiryDecision,
  webInquiryHandledFrom,
  webInquiryHandledFromFor,
} from './decide.js';
export {
  addOpenMinutes,
  closesAt,
  isJapanesePublicHoliday,
  isOpenAt,
  nextOpenInstant,
  type Schedule,
} from './schedule.js';
export {
  CHANNEL_KINDS,
  loadSupportHours,
  type SupportChannel,
  type SupportHoursRules,
  supportHoursSchema,
} from './supportHoursRules.js';
export { formatJst, formatJstFrom, jstInstant, jstParts } from './tokyoTime.js';
