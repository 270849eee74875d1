/** A local fake Discord (REST + gateway + CDN) for driving the real discord.js client in tests. */
export { FakeDiscord, type AddedGuild } from './fake-discord';
export type { ReceivedPayload } from './gateway';
export type {
  ChannelSpec,
  EmojiSpec,
  FakeDiscordOptions,
  FileSpec,
  GuildSpec,
  MemberSpec,
  RecordedFile,
  RecordedRequest,
  RoleSpec,
  RouteMatcher,
  UserMessageSpec,
  UserSpec,
} from './types';
export type { WireChannel } from './wire';
