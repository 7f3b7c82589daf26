// Command pulumi-language-python stands in for Pulumi's Python language host, whose Go module
// (github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3) the module proxy of the
// machines this project is built on does not serve (e2e/tools.toml says how that was checked).
//
// It speaks the LanguageRuntime protocol of the SDK it is built against and leaves the work to
// Pulumi's own code: the virtualenv and toolchain handling is the SDK's python/toolchain package,
// programs run through the SDK's pulumi-language-python-exec script (installed next to this
// binary), component plugins through `pulumi.run.plugin` or their __main__.py, and policy packs
// through `python -m pulumi.policy` behind the SDK's PolicyProxy. What it does not do (type
// checkers, debuggers, code generation, packing) it refuses by name.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"fluxlit-secrets/e2e/standins/internal/serve"
)

// execScript is the SDK's program runner; the build copies it next to this binary.
const execScript = "pulumi-language-python-exec"

// bailExitCode is what the exec script exits with after it has shown the user an actionable error.
const bailExitCode = 32

func main() {
	args := serve.ParseArgs()
	self, err := os.Executable()
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not find this executable: %w", err))
	}
	runner := filepath.Join(filepath.Dir(self), execScript)
	if _, err := os.Stat(runner); err != nil {
		cmdutil.Exit(fmt.Errorf("missing executor %s next to the language host: %w", runner, err))
	}
	ctx, cancel := context.WithCancel(context.Background())
	host := &pythonHost{runner: runner, engine: args.EngineAddress, cancelled: ctx, cancel: cancel}
	serve.Run(args.EngineAddress, func(srv *grpc.Server) {
		pulumirpc.RegisterLanguageRuntimeServer(srv, host)
	})
}

type pythonHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	runner    string
	engine    string
	cancelled context.Context
	cancel    context.CancelFunc
}

// options reads the project's runtime options (virtualenv, toolchain, typechecker) the way the
// Python host documents them. Plugins default to a `venv` virtualenv: they never run in the
// ambient Python.
func options(info *pulumirpc.ProgramInfo, isPlugin bool) (toolchain.PythonOptions, error) {
	opts := toolchain.PythonOptions{Root: info.RootDirectory, ProgramDir: info.ProgramDirectory}
	raw := info.GetOptions().AsMap()
	text := func(key string) (string, error) {
		value, ok := raw[key]
		if !ok {
			return "", nil
		}
		s, ok := value.(string)
		if !ok {
			return "", fmt.Errorf("runtime option %s must be a string", key)
		}
		return s, nil
	}
	var err error
	if opts.Virtualenv, err = text("virtualenv"); err != nil {
		return opts, err
	}
	name, err := text("toolchain")
	if err != nil {
		return opts, err
	}
	switch name {
	case "", "auto":
		opts.Toolchain = toolchain.Auto
	case "pip":
		opts.Toolchain = toolchain.Pip
	case "poetry":
		opts.Toolchain = toolchain.Poetry
	case "uv":
		opts.Toolchain = toolchain.Uv
	default:
		return opts, fmt.Errorf("unsupported toolchain option: %s", name)
	}
	checker, err := text("typechecker")
	if err != nil {
		return opts, err
	}
	if checker != "" {
		return opts, fmt.Errorf("runtime option typechecker (%s) is not supported by this stand-in language host", checker)
	}
	if isPlugin && opts.Virtualenv == "" && (opts.Toolchain == toolchain.Pip || opts.Toolchain == toolchain.Auto) {
		opts.Virtualenv = "venv"
	}
	return opts, nil
}

func (h *pythonHost) Handshake(ctx context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.engine = req.EngineAddress
	if err := rpcutil.Healthcheck(context.Background(), h.engine, 5*time.Minute, func() { os.Exit(0) }); err != nil {
		return nil, fmt.Errorf("could not start the health check of the engine: %w", err)
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *pythonHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: serve.Version}, nil
}

func (h *pythonHost) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	h.cancel()
	return &emptypb.Empty{}, nil
}

// engineWriters are the info and error streams of a long step (making a virtualenv) shown by the CLI.
func (h *pythonHost) engineWriters(ctx context.Context) (*serve.EphemeralLog, *serve.EphemeralLog, func(), error) {
	engine, closer, err := serve.Engine(h.engine)
	if err != nil {
		return nil, nil, nil, err
	}
	id := rand.Int32() //nolint:gosec // a stream id, not a secret
	info := &serve.EphemeralLog{Ctx: ctx, Engine: engine, Severity: pulumirpc.LogSeverity_INFO, StreamID: id}
	errs := &serve.EphemeralLog{Ctx: ctx, Engine: engine, Severity: pulumirpc.LogSeverity_ERROR, StreamID: id}
	return info, errs, func() { _ = closer.Close() }, nil
}

// pluginJSONScript prints, for each distribution named on its command line, the path of the
// pulumi-plugin.json in its top-level package ("" when it has none).
const pluginJSONScript = `import importlib.metadata as md, importlib.util as iu, json, os, sys
found = {}
for name in sys.argv[1:]:
    path = ""
    try:
        module = md.distribution(name).metadata["Name"].replace("-", "_")
        spec = iu.find_spec(module)
        for where in (spec.submodule_search_locations or []) if spec else []:
            candidate = os.path.join(str(where), "pulumi-plugin.json")
            if os.path.isfile(candidate):
                path = candidate
                break
    except Exception:
        pass
    found[name] = path
print(json.dumps(found))`

// noPlugin are Pulumi libraries without a provider plugin (and without a pulumi-plugin.json saying so).
var noPlugin = map[string]bool{"pulumi-policy": true, "pulumi-esc-sdk": true}

func (h *pythonHost) GetRequiredPackages(ctx context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	opts, err := options(req.Info, false)
	if err != nil {
		return nil, err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	info, errs, done, err := h.engineWriters(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	if err := tc.EnsureVenv(ctx, req.Info.ProgramDirectory, false, true, info, errs); err != nil {
		return nil, err
	}
	installed, err := tc.ListPackages(ctx, true)
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(installed))
	for _, dist := range installed {
		names = append(names, dist.Name)
	}
	paths := map[string]string{}
	if len(names) > 0 {
		cmd, err := tc.Command(ctx, append([]string{"-c", pluginJSONScript}, names...)...)
		if err != nil {
			return nil, err
		}
		out, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("could not list the pulumi-plugin.json files of the installed packages: %w", err)
		}
		if err := json.Unmarshal(out, &paths); err != nil {
			return nil, fmt.Errorf("could not read the list of pulumi-plugin.json files: %w", err)
		}
	}
	packages := []*pulumirpc.PackageDependency{}
	for _, dist := range installed {
		if noPlugin[dist.Name] {
			continue
		}
		dep, err := dependency(dist, paths[dist.Name])
		if err != nil {
			return nil, err
		}
		if dep != nil {
			packages = append(packages, dep)
		}
	}
	return &pulumirpc.GetRequiredPackagesResponse{Packages: packages}, nil
}

// dependency is the provider plugin a Python distribution needs: what its pulumi-plugin.json
// says, else (for a `pulumi-*` distribution) its name and version. nil: it needs none.
func dependency(dist plugin.DependencyInfo, pluginJSON string) (*pulumirpc.PackageDependency, error) {
	var meta plugin.PulumiPluginJSON
	if pluginJSON != "" {
		data, err := os.ReadFile(pluginJSON)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(data, &meta); err != nil {
			return nil, fmt.Errorf("%s: %w", pluginJSON, err)
		}
		if !meta.Resource {
			return nil, nil
		}
	} else if !strings.HasPrefix(dist.Name, "pulumi-") {
		return nil, nil
	}
	dep := &pulumirpc.PackageDependency{Kind: "resource", Name: meta.Name, Version: meta.Version, Server: meta.Server}
	if dep.Name == "" {
		dep.Name = strings.TrimPrefix(dist.Name, "pulumi-")
	}
	if dep.Version == "" {
		version, ok := pluginVersion(dist.Version)
		if !ok {
			return nil, nil // a pre-release whose plugin version cannot be derived: the engine resolves it later
		}
		dep.Version = version
	}
	if !strings.HasPrefix(dep.Version, "v") {
		dep.Version = "v" + dep.Version
	}
	if p := meta.Parameterization; p != nil {
		dep.Parameterization = &pulumirpc.PackageParameterization{Name: p.Name, Version: p.Version, Value: p.Value}
	}
	return dep, nil
}

// pluginVersion turns a plain release version (1.2.3, 1.2) into a plugin version; pre-releases
// and local versions carry no plugin version that can be derived, so they are skipped.
func pluginVersion(version string) (string, bool) {
	parts := strings.Split(version, ".")
	if len(parts) == 0 || len(parts) > 3 {
		return "", false
	}
	for _, p := range parts {
		if _, err := strconv.ParseUint(p, 10, 64); err != nil {
			return "", false
		}
	}
	for len(parts) < 3 {
		parts = append(parts, "0")
	}
	return strings.Join(parts, "."), true
}

func (h *pythonHost) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return nil, status.Error(codes.Unimplemented, "GetRequiredPlugins is replaced by GetRequiredPackages")
}

// Run runs the program through the SDK's exec script with the engine's arguments and config.
func (h *pythonHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	if req.GetAttachDebugger() {
		return &pulumirpc.RunResponse{Error: "this stand-in language host cannot attach a debugger"}, nil
	}
	opts, err := options(req.Info, false)
	if err != nil {
		return nil, err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return nil, err
	}
	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, fmt.Errorf("could not serialize the configuration: %w", err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("could not serialize the secret configuration keys: %w", err)
	}

	argv := []string{h.runner}
	flag := func(name, value string) {
		if value != "" {
			argv = append(argv, "--"+name, value)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", h.engine)
	flag("project", req.GetProject())
	flag("root_directory", req.GetInfo().GetRootDirectory())
	flag("stack", req.GetStack())
	flag("pwd", req.GetPwd())
	flag("dry_run", strconv.FormatBool(req.GetDryRun()))
	flag("parallel", strconv.Itoa(int(req.GetParallel())))
	flag("organization", req.GetOrganization())
	argv = append(argv, req.GetInfo().GetEntryPoint())
	argv = append(argv, req.GetArgs()...)

	// The program stops when the engine cancels (Cancel) or the request goes away.
	runCtx, stop := context.WithCancel(h.cancelled)
	defer stop()
	context.AfterFunc(ctx, stop)
	cmd, err := tc.Command(runCtx, argv...)
	if err != nil {
		return nil, err
	}
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	env := cmd.Env
	if env == nil {
		env = os.Environ()
	}
	if req.GetConfig() != nil {
		env = append(env, "PULUMI_CONFIG="+string(config))
	}
	cmd.Env = append(env, "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))

	if err := cmd.Run(); err != nil {
		_ = os.Stdout.Sync()
		_ = os.Stderr.Sync()
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("problem executing program (could not run language executor): %v", err),
			}, nil
		}
		if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.ExitStatus() == bailExitCode {
			return &pulumirpc.RunResponse{Bail: true}, nil
		}
		return &pulumirpc.RunResponse{
			Error: fmt.Sprintf("program exited with non-zero exit code: %d", exitErr.ExitCode()),
		}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

func (h *pythonHost) InstallDependencies(req *pulumirpc.InstallDependenciesRequest,
	server pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	ctx := server.Context()
	opts, err := options(req.Info, req.IsPlugin)
	if err != nil {
		return err
	}
	closer, stdout, stderr, err := rpcutil.MakeInstallDependenciesStreams(server, req.IsTerminal)
	if err != nil {
		return err
	}
	defer closer.Close()
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, "Installing dependencies...\n\n")
	if req.IsPlugin {
		buildable, err := toolchain.IsBuildablePackage(req.Info.ProgramDirectory)
		if err != nil {
			return err
		}
		if buildable {
			if err := tc.EnsureVenv(ctx, req.Info.ProgramDirectory, req.UseLanguageVersionTools, true,
				stdout, stderr); err != nil {
				return fmt.Errorf("creating virtual environment: %w", err)
			}
			cmd, err := tc.ModuleCommand(ctx, "pip", "install", req.Info.ProgramDirectory)
			if err != nil {
				return err
			}
			cmd.Stdout, cmd.Stderr = stdout, stderr
			if err := cmd.Run(); err != nil {
				return fmt.Errorf("installing the plugin package: %w", err)
			}
		}
	}
	if err := tc.InstallDependencies(ctx, req.Info.ProgramDirectory, req.UseLanguageVersionTools, true,
		stdout, stderr); err != nil {
		return err
	}
	fmt.Fprint(stdout, "Finished installing dependencies\n\n")
	return closer.Close()
}

func (h *pythonHost) About(ctx context.Context, req *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	opts := toolchain.PythonOptions{Toolchain: toolchain.Pip}
	if req.GetInfo() != nil {
		var err error
		if opts, err = options(req.Info, false); err != nil {
			return nil, err
		}
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	about, err := tc.About(ctx)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.AboutResponse{
		Executable: about.PythonExecutable,
		Version:    about.PythonVersion.String(),
		Metadata: map[string]string{
			"toolchain":        toolchain.Name(opts.Toolchain),
			"toolchainVersion": about.ToolchainVersion.String(),
			"languageHost":     "fluxlit-secrets stand-in " + serve.Version,
		},
	}, nil
}

func (h *pythonHost) GetProgramDependencies(ctx context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	opts, err := options(req.Info, false)
	if err != nil {
		return nil, err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return nil, err
	}
	installed, err := tc.ListPackages(ctx, req.TransitiveDependencies)
	if err != nil {
		return nil, fmt.Errorf("failed to get python dependencies: %w", err)
	}
	deps := make([]*pulumirpc.DependencyInfo, 0, len(installed))
	for _, dist := range installed {
		deps = append(deps, &pulumirpc.DependencyInfo{Name: dist.Name, Version: dist.Version})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

// RunPlugin runs a Python plugin: a policy pack through `python -u -m pulumi.policy`, a component
// provider through its __main__.py, or a buildable package through `pulumi.run.plugin`.
func (h *pythonHost) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	if req.GetAttachDebugger() {
		return errors.New("this stand-in language host cannot attach a debugger")
	}
	ctx := server.Context()
	policy := req.Kind == string(apitype.AnalyzerPlugin)
	opts, err := options(req.Info, !policy)
	if err != nil {
		return err
	}
	tc, err := toolchain.ResolveToolchain(opts)
	if err != nil {
		return err
	}
	cmd, err := h.pluginCommand(ctx, tc, opts, req, policy)
	if err != nil {
		return err
	}
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()
	cmd.Dir = req.Pwd
	var proxy *sdk.PolicyProxy
	if policy {
		// Policy packs run in their own folder and read the stack's config from the environment,
		// which only the engine's ConfigureStack call tells: the SDK's proxy receives it first.
		cmd.Dir = req.Info.ProgramDirectory
		if proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout); err != nil {
			return fmt.Errorf("could not start the policy pack proxy: %w", err)
		}
		stack, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("could not get the stack configuration: %w", err)
		}
		if stack != nil {
			cmd.Env = append(cmd.Env, policyEnv(stack)...)
		}
	}
	cmd.Env = append(cmd.Env, req.Env...)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("problem executing plugin program (could not run language executor): %w", err)
	}
	if proxy != nil {
		if err := proxy.Attach(ctx, cmd); err != nil {
			return fmt.Errorf("could not attach the policy pack proxy: %w", err)
		}
		return closer.Close()
	}
	if err := cmd.Wait(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return server.Send(&pulumirpc.RunPluginResponse{
				Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(exitErr.ExitCode())},
			})
		}
		return err
	}
	return closer.Close()
}

func (h *pythonHost) pluginCommand(ctx context.Context, tc toolchain.Toolchain, opts toolchain.PythonOptions,
	req *pulumirpc.RunPluginRequest, policy bool,
) (*exec.Cmd, error) {
	if policy {
		return tc.Command(ctx, append(append([]string{"-u", "-m", "pulumi.policy"}, req.Args...),
			req.Info.ProgramDirectory)...)
	}
	if _, err := os.Stat(filepath.Join(opts.Root, "__main__.py")); err == nil {
		return tc.Command(ctx, append([]string{req.Info.ProgramDirectory}, req.Args...)...)
	} else if !os.IsNotExist(err) {
		return nil, fmt.Errorf("looking for __main__.py: %w", err)
	}
	buildable, err := toolchain.IsBuildablePackage(opts.Root)
	if err != nil {
		return nil, err
	}
	if !buildable {
		return nil, errors.New("plugin is not runnable, it provides neither __main__.py nor a buildable pyproject.toml")
	}
	pyproject, err := toolchain.LoadPyproject(opts.Root)
	if err != nil {
		return nil, fmt.Errorf("loading pyproject: %w", err)
	}
	return tc.ModuleCommand(ctx, "pulumi.run.plugin", append([]string{pyproject.Project.Name}, req.Args...)...)
}

// policyEnv is the stack a policy pack evaluates, as the pulumi.policy module reads it.
func policyEnv(stack *pulumirpc.AnalyzerStackConfigureRequest) []string {
	var env []string
	add := func(key, value string) {
		if value != "" {
			env = append(env, key+"="+value)
		}
	}
	add("PULUMI_ORGANIZATION", stack.Organization)
	add("PULUMI_PROJECT", stack.Project)
	add("PULUMI_STACK", stack.Stack)
	add("PULUMI_DRY_RUN", strconv.FormatBool(stack.DryRun))
	if stack.Config != nil {
		if data, err := json.Marshal(stack.Config); err == nil {
			add("PULUMI_CONFIG", string(data))
		}
	}
	return env
}
