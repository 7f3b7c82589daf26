// Command pulumi-language-go stands in for Pulumi's Go language host, whose Go module
// (github.com/pulumi/pulumi/sdk/go/pulumi-language-go/v3) the module proxy of the machines this
// project is built on does not serve (e2e/tools.toml says how that was checked).
//
// It speaks the LanguageRuntime protocol of the SDK it is built against: a program is compiled
// with `go build` (or taken from the `binary` runtime option) and run with the environment the Go
// SDK reads (pulumi.EnvMonitor and the rest); `pulumi package add` generates SDKs with
// pkg/codegen/go and links them with go.mod replace directives. It does not list the program's
// provider plugins ahead of time (the engine loads each when the program registers it) and
// refuses debuggers and Go plugins by name.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/blang/semver"
	codegen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
	"github.com/pulumi/pulumi/sdk/v3/go/common/constant"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"golang.org/x/mod/modfile"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"fluxlit-secrets/e2e/standins/internal/serve"
)

func main() {
	args := serve.ParseArgs()
	ctx, cancel := context.WithCancel(context.Background())
	host := &goHost{engine: args.EngineAddress, cancelled: ctx, cancel: cancel}
	serve.Run(args.EngineAddress, func(srv *grpc.Server) {
		pulumirpc.RegisterLanguageRuntimeServer(srv, host)
	})
}

type goHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	engine    string
	cancelled context.Context
	cancel    context.CancelFunc
}

func (h *goHost) Handshake(ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engine = req.EngineAddress
	if err := rpcutil.Healthcheck(context.Background(), h.engine, 5*time.Minute, func() { os.Exit(0) }); err != nil {
		return nil, fmt.Errorf("could not start the health check of the engine: %w", err)
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *goHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: serve.Version}, nil
}

func (h *goHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancel()
	return &emptypb.Empty{}, nil
}

func (h *goHost) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{Packages: []*pulumirpc.PackageDependency{}}, nil
}

func (h *goHost) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return nil, status.Error(codes.Unimplemented, "GetRequiredPlugins is replaced by GetRequiredPackages")
}

// binaryOption is the `binary` runtime option (a prebuilt program), "" when absent.
func binaryOption(info *pulumirpc.ProgramInfo) (string, error) {
	v, ok := info.GetOptions().AsMap()["binary"]
	if !ok {
		return "", nil
	}
	s, isString := v.(string)
	if !isString {
		return "", errors.New("binary option must be a string")
	}
	if !filepath.IsAbs(s) {
		s = filepath.Join(info.RootDirectory, s)
	}
	return s, nil
}

// Run compiles the program (unless a binary is given) and runs it with the Go SDK's environment.
func (h *goHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	if req.GetAttachDebugger() {
		return &pulumirpc.RunResponse{Error: "this stand-in language host cannot attach a debugger"}, nil
	}
	program, err := binaryOption(req.Info)
	if err != nil {
		return nil, err
	}
	if program == "" {
		out, err := os.CreateTemp("", "pulumi-go.*")
		if err != nil {
			return nil, err
		}
		_ = out.Close()
		defer os.Remove(out.Name())
		build := exec.CommandContext(ctx, "go", "build", "-buildvcs=false", "-trimpath", "-o", out.Name(), ".")
		build.Dir = req.Info.ProgramDirectory
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("error in compiling Go: unable to run `go build`: %v", err)}, nil
		}
		program = out.Name()
	}
	configJSON := ""
	if req.GetConfig() != nil {
		data, err := json.Marshal(req.GetConfig())
		if err != nil {
			return nil, err
		}
		configJSON = string(data)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := os.Environ()
	set := func(key, value string) {
		if value != "" {
			env = append(env, key+"="+value)
		}
	}
	set(pulumi.EnvOrganization, req.GetOrganization())
	set(pulumi.EnvProject, req.GetProject())
	set(pulumi.EnvPulumiRootDirectory, req.GetInfo().GetRootDirectory())
	set(pulumi.EnvStack, req.GetStack())
	set(pulumi.EnvConfig, configJSON)
	set(pulumi.EnvConfigSecretKeys, string(secretKeysJSON))
	set(pulumi.EnvDryRun, strconv.FormatBool(req.GetDryRun()))
	set(pulumi.EnvParallel, strconv.Itoa(int(req.GetParallel())))
	set(pulumi.EnvMonitor, req.GetMonitorAddress())
	set(pulumi.EnvEngine, h.engine)

	runCtx, stop := context.WithCancel(h.cancelled)
	defer stop()
	context.AfterFunc(ctx, stop)
	cmd := exec.CommandContext(runCtx, program, req.GetArgs()...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Dir = req.Pwd
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the program: %v", err)}, nil
		}
		if exitErr.ExitCode() == constant.ExitStatusLoggedError {
			return &pulumirpc.RunResponse{Bail: true}, nil // the SDK has sent the error to the engine
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("program exited with non-zero exit code: %d", exitErr.ExitCode()),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

func (h *goHost) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.IsTerminal)
	if err != nil {
		return err
	}
	defer closer.Close()
	cmd := exec.CommandContext(server.Context(), "go", "mod", "download")
	cmd.Dir = req.Info.ProgramDirectory
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("`go mod download` failed: %w", err)
	}
	return closer.Close()
}

func (h *goHost) About(ctx context.Context, _ *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	if err != nil {
		return nil, fmt.Errorf("could not run `go env GOVERSION`: %w", err)
	}
	gobin, _ := exec.LookPath("go")
	return &pulumirpc.AboutResponse{
		Executable: gobin,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "go"),
		Metadata:   map[string]string{"languageHost": "fluxlit-secrets stand-in " + serve.Version},
	}, nil
}

// GeneratePackage writes a Go SDK for a schema (what `pulumi package add` asks for).
func (h *goHost) GeneratePackage(_ context.Context, req *pulumirpc.GeneratePackageRequest,
) (*pulumirpc.GeneratePackageResponse, error) {
	if len(req.ExtraFiles) > 0 {
		return nil, errors.New("overlays are not supported for Go")
	}
	loader, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer loader.Close()
	var spec schema.PackageSpec
	if err := json.Unmarshal([]byte(req.Schema), &spec); err != nil {
		return nil, err
	}
	pkg, diags, err := schema.BindSpec(spec, schema.NewCachedLoader(loader), schema.ValidationOptions{
		AllowDanglingReferences: true,
	})
	if err != nil {
		return nil, err
	}
	rpcDiags := plugin.HclDiagnosticsToRPCDiagnostics(diags)
	if diags.HasErrors() {
		return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiags}, nil
	}
	files, err := codegen.GeneratePackage("pulumi-language-go", pkg, req.LocalDependencies)
	if err != nil {
		return nil, err
	}
	for name, data := range files {
		target := filepath.Join(req.Directory, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(target, data, 0o600); err != nil {
			return nil, err
		}
	}
	return &pulumirpc.GeneratePackageResponse{Diagnostics: rpcDiags}, nil
}

// Link points the program's go.mod at generated SDKs (replace directives) and says how to import them.
func (h *goHost) Link(ctx context.Context, req *pulumirpc.LinkRequest) (*pulumirpc.LinkResponse, error) {
	loader, err := schema.NewLoaderClient(req.LoaderTarget)
	if err != nil {
		return nil, err
	}
	defer loader.Close()
	cached := schema.NewCachedLoader(loader)
	replaces := map[string]string{}
	var imports strings.Builder
	for _, dep := range req.Packages {
		desc := &schema.PackageDescriptor{Name: dep.Package.Name, DownloadURL: dep.Package.Server}
		if v, err := semver.New(dep.Package.Version); err == nil {
			desc.Version = v
		}
		ref, err := schema.LoadPackageReferenceV2(ctx, cached, desc)
		if err != nil {
			return nil, err
		}
		def, err := ref.Definition()
		if err != nil {
			return nil, err
		}
		if err := def.ImportLanguages(map[string]schema.Language{"go": codegen.Importer}); err != nil {
			return nil, err
		}
		module := ""
		if info, ok := def.Language["go"].(codegen.GoPackageInfo); ok {
			module = info.ModulePath
			if module == "" && info.ImportBasePath != "" {
				module = path.Dir(info.ImportBasePath)
			}
		}
		if module == "" {
			module = codegen.ExtractModulePath(def.Reference())
		}
		target := dep.Path
		if !strings.HasPrefix(target, "./") && !filepath.IsAbs(target) {
			target = "./" + target
		}
		replaces[module] = target
		fmt.Fprintf(&imports, "    %q\n", codegen.ExtractImportBasePath(def.Reference()))
	}
	gomodPath := filepath.Join(req.Info.ProgramDirectory, "go.mod")
	content, err := os.ReadFile(gomodPath)
	if err != nil {
		return nil, fmt.Errorf("reading go.mod: %w", err)
	}
	gomod, err := modfile.Parse(gomodPath, content, nil)
	if err != nil {
		return nil, fmt.Errorf("go.mod parse: %w", err)
	}
	for module, target := range replaces {
		if err := gomod.AddReplace(module, "", target, ""); err != nil {
			return nil, fmt.Errorf("could not add replace statement: %w", err)
		}
	}
	data, err := gomod.Format()
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(gomodPath, data, 0o644); err != nil { //nolint:gosec // go.mod is not secret
		return nil, err
	}
	return &pulumirpc.LinkResponse{
		ImportInstructions: "You can import the SDK in your Go code with:\n\n  import (\n" + imports.String() + "  )\n",
	}, nil
}

func (h *goHost) RunPlugin(*pulumirpc.RunPluginRequest, pulumirpc.LanguageRuntime_RunPluginServer) error {
	return status.Error(codes.Unimplemented, "this stand-in language host does not run Go plugins")
}
