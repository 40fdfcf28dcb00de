// Command pulumi-language-nodejs is the Node.js language host that
// scripts/engine.sh builds for the engine tests on machines where Pulumi's own
// host cannot be built: the Go module proxy answers 403 for every version of
// github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3, and the
// last host inside sdk/v3 (v3.68.0) predates the calls the v3.248 CLI makes
// (runtime options in ProgramInfo, policy packs through RunPlugin).
//
// A language host only starts node: the program runs in @pulumi/pulumi's own
// runner (cmd/run), policy packs in cmd/run-policy-pack and plugins in
// cmd/run-plugin, all resolved from the project's node_modules, so the engine,
// the SDK runtime and the dynamic-provider host under test are Pulumi's. What
// this host does not do: install dependencies, report required plugins (the
// engine loads provider plugins when the first resource asks), the sync-invoke
// pipes of old SDKs, debugging, code generation. Users with the Pulumi CLI
// installed run the tests against Pulumi's host instead.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
	"google.golang.org/protobuf/types/known/structpb"
)

// version is set at build time to the CLI version it is built with.
var version = "0.0.0"

// exitBail is the runner's exit code for "a message was already shown".
const exitBail = 32

func main() {
	// Older CLIs pass runtime options as flags; the v3.248 CLI passes them in
	// each request. Accept and ignore the flags so either starts this host.
	for _, name := range []string{"tracing", "root", "tsconfig", "nodeargs"} {
		flag.String(name, "", "ignored: options come with each request")
	}
	flag.Bool("typescript", true, "ignored: options come with each request")
	flag.Parse()
	var engine string
	if flag.NArg() > 0 {
		engine = flag.Arg(flag.NArg() - 1)
	}

	ctx, cancel := context.WithCancel(context.Background())
	stop := make(chan bool)
	go func() { <-ctx.Done(); close(stop) }()
	if engine != "" {
		// Exit when the CLI goes away (killed, crashed) instead of lingering.
		if err := rpcutil.Healthcheck(ctx, engine, 5*time.Minute, cancel); err != nil {
			fatal("could not start the engine health check: %v", err)
		}
	}
	h := &host{engine: engine}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: stop,
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(s, h)
			return nil
		},
	})
	if err != nil {
		fatal("could not start the language host: %v", err)
	}
	// The CLI reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fatal("language host stopped: %v", err)
	}
}

func fatal(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: "+format+"\n", args...)
	os.Exit(1)
}

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer
	mu     sync.Mutex
	engine string
}

func (h *host) engineAddress() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engine
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engine = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPlugins and GetRequiredPackages answer "none": the engine then
// loads each provider plugin when a resource first needs it.
func (h *host) GetRequiredPlugins(context.Context, *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *host) GetRequiredPackages(context.Context, *pulumirpc.GetRequiredPackagesRequest) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func (h *host) GetProgramDependencies(context.Context, *pulumirpc.GetProgramDependenciesRequest) (*pulumirpc.GetProgramDependenciesResponse, error) {
	return &pulumirpc.GetProgramDependenciesResponse{}, nil
}

func (h *host) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("node --version: %w", err)
	}
	return &pulumirpc.AboutResponse{Executable: "node", Version: strings.TrimSpace(string(out))}, nil
}

func (h *host) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// options are the `runtime.options` of Pulumi.yaml or PulumiPolicy.yaml.
type options struct {
	typescript bool
	nodeargs   []string
	tsconfig   string
}

func readOptions(s *structpb.Struct) options {
	o := options{typescript: true}
	if s == nil {
		return o
	}
	m := s.AsMap()
	if v, ok := m["typescript"].(bool); ok {
		o.typescript = v
	}
	if v, ok := m["nodeargs"].(string); ok {
		// Split at spaces; quoting is not supported (the project needs none).
		o.nodeargs = strings.Fields(v)
	}
	if v, ok := m["tsconfig"].(string); ok {
		o.tsconfig = v
	}
	return o
}

func (o options) env() []string {
	var env []string
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return env
}

// resolve finds a module of @pulumi/pulumi the way the program would, from dir.
func resolve(dir, module string) (string, error) {
	cmd := exec.Command("node", "-e", "process.stdout.write(require.resolve(process.argv[1], { paths: [process.cwd()] }))", module)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("cannot find %s from %s: run npm ci in the project first", module, dir)
	}
	return string(out), nil
}

func programPath(info *pulumirpc.ProgramInfo, legacy string) (dir, program string) {
	if info != nil && info.GetProgramDirectory() != "" {
		entry := info.GetEntryPoint()
		if entry == "" {
			entry = "."
		}
		return info.GetProgramDirectory(), filepath.Join(info.GetProgramDirectory(), entry)
	}
	if legacy == "" {
		legacy = "."
	}
	abs, err := filepath.Abs(legacy)
	if err != nil {
		abs = legacy
	}
	return abs, abs
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	dir, program := programPath(req.GetInfo(), req.GetProgram())
	opts := readOptions(req.GetInfo().GetOptions())
	runner, err := resolve(dir, "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := append([]string{}, opts.nodeargs...)
	args = append(args, runner)
	flag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", h.engineAddress())
	flag("organization", req.GetOrganization())
	flag("project", req.GetProject())
	flag("stack", req.GetStack())
	flag("pwd", req.GetPwd())
	flag("root-directory", req.GetInfo().GetRootDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetQueryMode() {
		args = append(args, "--query-mode", "true")
	}
	if req.GetParallel() > 0 {
		flag("parallel", fmt.Sprint(req.GetParallel()))
	}
	args = append(args, program)
	args = append(args, req.GetArgs()...)

	config, err := json.Marshal(orEmptyMap(req.GetConfig()))
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	secretKeys, err := json.Marshal(orEmptyList(req.GetConfigSecretKeys()))
	if err != nil {
		return nil, fmt.Errorf("config secret keys: %w", err)
	}
	env := append(os.Environ(), "PULUMI_CONFIG="+string(config), "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys))
	env = append(env, opts.env()...)

	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	err = cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return &pulumirpc.RunResponse{}, nil
	case errors.As(err, &exit) && exit.ExitCode() == exitBail:
		return &pulumirpc.RunResponse{Bail: true}, nil
	case errors.As(err, &exit):
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exit.ExitCode())}, nil
	default:
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not start node: %v", err)}, nil
	}
}

// RunPlugin runs a policy pack (kind "analyzer") or a plugin written in
// Node.js (kind "resource"), streaming its output back to the CLI, which
// reads the plugin's port from its first line of stdout.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	dir, program := programPath(req.GetInfo(), req.GetProgram())
	opts := readOptions(req.GetInfo().GetOptions())
	var module string
	var args []string
	switch req.GetKind() {
	case "analyzer":
		module = "@pulumi/pulumi/cmd/run-policy-pack"
		// run-policy-pack takes <engine-address> <program>; the CLI sends the address.
		args = append(append(args, req.GetArgs()...), program)
	case "resource", "":
		module = "@pulumi/pulumi/cmd/run-plugin"
		args = append(append(args, program), req.GetArgs()...)
	default:
		return status.Errorf(codes.Unimplemented, "plugins of kind %q are not supported by this host", req.GetKind())
	}
	runner, err := resolve(dir, module)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(server.Context(), "node", append(append(append([]string{}, opts.nodeargs...), runner), args...)...)
	// A policy pack runs in its own folder (PolicyPack reads its version from
	// ./package.json), as the CLI's older analyzer path ran it; a plugin runs
	// where the CLI says.
	cmd.Dir = req.GetPwd()
	if cmd.Dir == "" || req.GetKind() == "analyzer" {
		cmd.Dir = dir
	}
	cmd.Env = append(append(os.Environ(), req.GetEnv()...), opts.env()...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start node: %w", err)
	}

	var sendMu sync.Mutex
	send := func(r *pulumirpc.RunPluginResponse) {
		sendMu.Lock()
		defer sendMu.Unlock()
		_ = server.Send(r) // the CLI has gone away; the process ends with the context
	}
	var wg sync.WaitGroup
	pump := func(r io.Reader, wrap func([]byte) *pulumirpc.RunPluginResponse) {
		defer wg.Done()
		lines := bufio.NewReader(r)
		for {
			line, err := lines.ReadBytes('\n')
			if len(line) > 0 {
				send(wrap(line))
			}
			if err != nil {
				return
			}
		}
	}
	wg.Add(2)
	go pump(stdout, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: b}}
	})
	go pump(stderr, func(b []byte) *pulumirpc.RunPluginResponse {
		return &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: b}}
	})
	wg.Wait()
	code := int32(0)
	if err := cmd.Wait(); err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			return err
		}
		code = int32(exit.ExitCode())
	}
	send(&pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: code}})
	return nil
}

func orEmptyMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func orEmptyList(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
