// Package serve starts a plugin's gRPC server the way the Pulumi CLI expects of any plugin: on a
// loopback port the kernel picks, printed on stdout, stopped by an interrupt or when the engine
// that spawned it stops answering health checks.
package serve

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// Version is what every stand-in reports (GetPluginInfo, -version); the build sets it from e2e/tools.toml.
var Version = "0.0.0-unset"

// Args are the command-line arguments the CLI gives a plugin.
type Args struct {
	// EngineAddress is the engine's gRPC address (the first positional argument), empty when run by hand.
	EngineAddress string
	// Rest are the positional arguments after the engine address.
	Rest []string
}

// ParseArgs reads what the CLI passes every plugin (buildPluginArguments in the SDK: --logtostderr,
// -v=N, --tracing ADDR, then the engine address and the plugin's own arguments) and handles -version.
func ParseArgs() Args {
	fs := flag.NewFlagSet(os.Args[0], flag.ExitOnError)
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.String("tracing", "", "tracing endpoint (not used)")
	fs.Bool("logtostderr", false, "log to stderr (not used)")
	fs.Bool("logflow", false, "flow logging (not used)")
	fs.Int("v", 0, "log verbosity (not used)")
	_ = fs.Parse(os.Args[1:])
	if *showVersion {
		fmt.Println(Version)
		os.Exit(0)
	}
	logging.InitLogging(false, 0, false)
	parsed := Args{}
	if fs.NArg() > 0 {
		parsed.EngineAddress = fs.Arg(0)
		parsed.Rest = fs.Args()[1:]
	}
	return parsed
}

// Run registers the services, prints the port and serves until the engine goes away or an
// interrupt arrives. It does not return.
func Run(engineAddress string, register func(*grpc.Server)) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	cancel := make(chan bool)
	go func() {
		<-ctx.Done()
		stop()
		close(cancel)
	}()
	if engineAddress != "" {
		if err := rpcutil.Healthcheck(ctx, engineAddress, 5*time.Minute, stop); err != nil {
			cmdutil.Exit(fmt.Errorf("could not start the health check of the engine: %w", err))
		}
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			register(srv)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start the plugin's gRPC server: %w", err))
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil && !rpcutil.IsBenignCloseErr(err) {
		cmdutil.Exit(fmt.Errorf("the plugin's gRPC server stopped: %w", err))
	}
	os.Exit(0)
}

// Engine connects to the engine's gRPC service (for log messages).
func Engine(address string) (pulumirpc.EngineClient, io.Closer, error) {
	if address == "" {
		return nil, nil, errors.New("no engine address: the CLI must call Handshake before this request")
	}
	conn, err := grpc.NewClient(address, grpc.WithTransportCredentials(insecure.NewCredentials()),
		rpcutil.GrpcChannelOptions())
	if err != nil {
		return nil, nil, fmt.Errorf("could not connect to the engine at %s: %w", address, err)
	}
	return pulumirpc.NewEngineClient(conn), conn, nil
}

// EphemeralLog is an io.Writer that sends each write to the engine as an ephemeral log message
// (the progress lines the CLI shows while, say, a virtualenv is made, then drops).
type EphemeralLog struct {
	Ctx      context.Context
	Engine   pulumirpc.EngineClient
	Severity pulumirpc.LogSeverity
	StreamID int32
}

func (w *EphemeralLog) Write(p []byte) (int, error) {
	_, err := w.Engine.Log(w.Ctx, &pulumirpc.LogRequest{
		Message:   strings.ToValidUTF8(string(p), "\uFFFD"),
		Ephemeral: true,
		StreamId:  w.StreamID,
		Severity:  w.Severity,
	})
	if err != nil {
		return 0, err
	}
	return len(p), nil
}
