import proto from '@temporalio/proto';

type IHistory = proto.temporal.api.history.v1.IHistory;
// A CommonJS module: under plain Node only its default export is there.
const History = proto.temporal.api.history.v1.History;

/**
 * A history as JSON that reads back to the same bytes. The SDK's own historyToJSON fails
 * in this install (its protobufjs is not the one @temporalio/proto was built with), so
 * this is protobufjs's plain-object form: 64-bit numbers and bytes as strings, enums by name.
 */
export function historyToJson(history: IHistory): string {
  const object = History.toObject(History.fromObject(history), {
    longs: String,
    enums: String,
    bytes: String,
  });
  return `${JSON.stringify(object, null, 1)}\n`;
}

export function historyFromJson(text: string): proto.temporal.api.history.v1.History {
  return History.fromObject(JSON.parse(text) as Record<string, unknown>);
}
