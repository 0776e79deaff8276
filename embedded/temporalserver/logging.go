package temporalserver

import (
	"context"
	"log/slog"
	"slices"
	"sync/atomic"

	serverlog "go.temporal.io/server/common/log"
	"go.temporal.io/server/common/log/tag"
)

// minLevelHandler drops records below a level before they reach the wrapped handler,
// whatever level that handler itself lets through.
type minLevelHandler struct {
	next  slog.Handler
	level slog.Level
}

// warnAndAbove returns a logger that passes only warnings and errors on to l.
func warnAndAbove(l *slog.Logger) *slog.Logger {
	return slog.New(&minLevelHandler{next: l.Handler(), level: slog.LevelWarn})
}

func (h *minLevelHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= h.level && h.next.Enabled(ctx, level)
}

func (h *minLevelHandler) Handle(ctx context.Context, r slog.Record) error {
	return h.next.Handle(ctx, r)
}

func (h *minLevelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &minLevelHandler{next: h.next.WithAttrs(attrs), level: h.level}
}

func (h *minLevelHandler) WithGroup(name string) slog.Handler {
	return &minLevelHandler{next: h.next.WithGroup(name), level: h.level}
}

// serverLogger adapts a slog.Logger to the logger interface of the Temporal server.
// Tags given to With are kept as they are and turned into attributes only when a record
// is actually written, since the server derives many loggers and writes few records.
//
// Once muted is set, it writes nothing: while stopping, the server logs every call that
// the shutdown cancels as a failure, which would only bury real problems.
type serverLogger struct {
	l     *slog.Logger
	tags  []tag.Tag
	muted *atomic.Bool
}

func newServerLogger(l *slog.Logger) serverLogger {
	return serverLogger{l: warnAndAbove(l), muted: &atomic.Bool{}}
}

// mute silences the logger and every logger derived from it.
func (s serverLogger) mute() {
	s.muted.Store(true)
}

var (
	_ serverlog.Logger     = serverLogger{}
	_ serverlog.WithLogger = serverLogger{}
)

func (s serverLogger) Debug(msg string, tags ...tag.Tag) { s.log(slog.LevelDebug, msg, tags) }
func (s serverLogger) Info(msg string, tags ...tag.Tag)  { s.log(slog.LevelInfo, msg, tags) }
func (s serverLogger) Warn(msg string, tags ...tag.Tag)  { s.log(slog.LevelWarn, msg, tags) }
func (s serverLogger) Error(msg string, tags ...tag.Tag) { s.log(slog.LevelError, msg, tags) }

// DPanic only panics in the server's development builds; here it is an error.
func (s serverLogger) DPanic(msg string, tags ...tag.Tag) { s.log(slog.LevelError, msg, tags) }

func (s serverLogger) Panic(msg string, tags ...tag.Tag) {
	s.log(slog.LevelError, msg, tags)
	panic(msg)
}

// Fatal panics instead of exiting: the server calls it for a broken start-up (a listener
// that cannot bind). On Start's goroutine the panic becomes an error; on any other it
// ends the process, as exiting would.
func (s serverLogger) Fatal(msg string, tags ...tag.Tag) {
	s.log(slog.LevelError, msg, tags)
	panic(msg)
}

func (s serverLogger) With(tags ...tag.Tag) serverlog.Logger {
	return serverLogger{l: s.l, tags: append(slices.Clip(s.tags), tags...), muted: s.muted}
}

func (s serverLogger) log(level slog.Level, msg string, tags []tag.Tag) {
	ctx := context.Background()
	if s.muted.Load() || !s.l.Enabled(ctx, level) {
		return
	}
	args := make([]any, 0, len(s.tags)+len(tags))
	for _, t := range slices.Concat(s.tags, tags) {
		args = append(args, slog.Any(t.Key(), t.Value()))
	}
	s.l.Log(ctx, level, msg, args...)
}
