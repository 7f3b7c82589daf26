// Command pulumi-resource-random stands in for Pulumi's random provider, whose Go module
// (github.com/pulumi/pulumi-random/provider/v4) the module proxy of the machines this project is
// built on does not serve at any version (e2e/tools.toml says how that was checked).
//
// It serves the resource types the random package's SDKs register (RandomPassword, RandomString,
// RandomId, RandomBytes, RandomInteger, RandomUuid, RandomUuid4, RandomUuid7) under the same
// tokens and property names, with the Terraform provider's semantics that matter to a program:
// every input change replaces, values come from crypto/rand, RandomPassword's result and hash are
// secret. RandomPet and RandomShuffle are refused by name. It sits on the PATH, so the CLI uses it
// for any version an SDK asks for and says so in a warning.
package main

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/plugin"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"

	"fluxlit-secrets/e2e/standins/internal/serve"
)

func main() {
	args := serve.ParseArgs()
	serve.Run(args.EngineAddress, func(srv *grpc.Server) {
		pulumirpc.RegisterResourceProviderServer(srv, &provider{})
	})
}

type provider struct {
	pulumirpc.UnimplementedResourceProviderServer
}

// wire keeps secrets and unknowns as the engine sends them.
var wire = plugin.MarshalOptions{KeepUnknowns: true, KeepSecrets: true, SkipNulls: true}

func kindOf(urn string) (kind, string, error) {
	typ := string(resource.URN(urn).Type())
	k, ok := kinds[typ]
	if !ok {
		return kind{}, typ, status.Errorf(codes.Unimplemented,
			"%s is not served by the fluxlit-secrets stand-in for pulumi-resource-random (it serves %v)", typ, served())
	}
	return k, typ, nil
}

func served() []string {
	names := make([]string, 0, len(kinds))
	for typ := range kinds {
		names = append(names, typ)
	}
	sort.Strings(names)
	return names
}

func (p *provider) Handshake(context.Context, *pulumirpc.ProviderHandshakeRequest,
) (*pulumirpc.ProviderHandshakeResponse, error) {
	return &pulumirpc.ProviderHandshakeResponse{AcceptSecrets: true, AcceptResources: true}, nil
}

func (p *provider) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: serve.Version}, nil
}

func (p *provider) GetSchema(context.Context, *pulumirpc.GetSchemaRequest) (*pulumirpc.GetSchemaResponse, error) {
	return nil, status.Error(codes.Unimplemented, "the random stand-in serves no schema")
}

func (p *provider) CheckConfig(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	return &pulumirpc.CheckResponse{Inputs: req.News}, nil
}

func (p *provider) DiffConfig(context.Context, *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	return &pulumirpc.DiffResponse{Changes: pulumirpc.DiffResponse_DIFF_NONE}, nil
}

func (p *provider) Configure(context.Context, *pulumirpc.ConfigureRequest) (*pulumirpc.ConfigureResponse, error) {
	return &pulumirpc.ConfigureResponse{AcceptSecrets: true, SupportsPreview: true, AcceptResources: true}, nil
}

func (p *provider) Cancel(context.Context, *emptypb.Empty) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// Check fills the defaults and refuses a missing required input or an input of the wrong type.
func (p *provider) Check(_ context.Context, req *pulumirpc.CheckRequest) (*pulumirpc.CheckResponse, error) {
	k, _, err := kindOf(req.Urn)
	if err != nil {
		return nil, err
	}
	news, err := plugin.UnmarshalProperties(req.News, wire)
	if err != nil {
		return nil, err
	}
	var failures []*pulumirpc.CheckFailure
	checked := resource.PropertyMap{}
	for name, spec := range k.inputs {
		key := resource.PropertyKey(name)
		value, given := news[key]
		if !given || value.IsNull() {
			if spec.required {
				failures = append(failures, &pulumirpc.CheckFailure{Property: name, Reason: "Missing required property '" + name + "'"})
			} else if !spec.fallback.IsNull() {
				checked[key] = spec.fallback
			}
			continue
		}
		if !value.ContainsUnknowns() && !hasType(value, spec.typ) {
			failures = append(failures, &pulumirpc.CheckFailure{
				Property: name, Reason: fmt.Sprintf("%s must be of type %s", name, spec.typ),
			})
			continue
		}
		checked[key] = value
	}
	for key := range news {
		if _, ok := k.inputs[string(key)]; !ok && !strings.HasPrefix(string(key), "__") {
			failures = append(failures, &pulumirpc.CheckFailure{Property: string(key), Reason: "unknown property " + string(key)})
		}
	}
	inputs, err := plugin.MarshalProperties(checked, wire)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CheckResponse{Inputs: inputs, Failures: failures}, nil
}

func hasType(v resource.PropertyValue, typ string) bool {
	if v.IsSecret() {
		return hasType(v.SecretValue().Element, typ)
	}
	switch typ {
	case "number":
		return v.IsNumber()
	case "bool":
		return v.IsBool()
	case "string":
		return v.IsString()
	case "object":
		return v.IsObject()
	case "array":
		return v.IsArray()
	}
	return false
}

// Diff replaces on any change of an input: the inputs the engine recorded against the new ones.
func (p *provider) Diff(_ context.Context, req *pulumirpc.DiffRequest) (*pulumirpc.DiffResponse, error) {
	k, _, err := kindOf(req.Urn)
	if err != nil {
		return nil, err
	}
	olds := req.OldInputs
	if olds == nil {
		olds = req.Olds
	}
	before, err := plugin.UnmarshalProperties(olds, wire)
	if err != nil {
		return nil, err
	}
	after, err := plugin.UnmarshalProperties(req.News, wire)
	if err != nil {
		return nil, err
	}
	var replaces []string
	detailed := map[string]*pulumirpc.PropertyDiff{}
	for name := range k.inputs {
		key := resource.PropertyKey(name)
		old, had := before[key]
		cur, has := after[key]
		if !had && !has {
			continue
		}
		if had && has && !cur.ContainsUnknowns() && plain(old).DeepEquals(plain(cur)) {
			continue
		}
		kindOfDiff := pulumirpc.PropertyDiff_UPDATE_REPLACE
		if !had {
			kindOfDiff = pulumirpc.PropertyDiff_ADD_REPLACE
		} else if !has {
			kindOfDiff = pulumirpc.PropertyDiff_DELETE_REPLACE
		}
		replaces = append(replaces, name)
		detailed[name] = &pulumirpc.PropertyDiff{Kind: kindOfDiff, InputDiff: true}
	}
	sort.Strings(replaces)
	changes := pulumirpc.DiffResponse_DIFF_NONE
	if len(replaces) > 0 {
		changes = pulumirpc.DiffResponse_DIFF_SOME
	}
	return &pulumirpc.DiffResponse{
		Changes: changes, Replaces: replaces, Diffs: replaces, DetailedDiff: detailed, HasDetailedDiff: true,
	}, nil
}

// plain drops the secret marks: a value that became secret is not a change of value.
func plain(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return plain(v.SecretValue().Element)
	case v.IsObject():
		m := resource.PropertyMap{}
		for key, e := range v.ObjectValue() {
			m[key] = plain(e)
		}
		return resource.NewProperty(m)
	case v.IsArray():
		a := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			a[i] = plain(e)
		}
		return resource.NewProperty(a)
	}
	return v
}

// Create draws the value; in a preview the outputs are unknown.
func (p *provider) Create(_ context.Context, req *pulumirpc.CreateRequest) (*pulumirpc.CreateResponse, error) {
	k, _, err := kindOf(req.Urn)
	if err != nil {
		return nil, err
	}
	in, err := plugin.UnmarshalProperties(req.Properties, wire)
	if err != nil {
		return nil, err
	}
	state := resource.PropertyMap{}
	for key, v := range in {
		state[key] = v
	}
	if req.Preview {
		for _, name := range k.secrets {
			state[resource.PropertyKey(name)] = resource.MakeSecret(resource.MakeComputed(resource.NewProperty("")))
		}
		props, err := plugin.MarshalProperties(state, wire)
		return &pulumirpc.CreateResponse{Properties: props}, err
	}
	id, out, err := k.make(plain(resource.NewProperty(in)).ObjectValue())
	if err != nil {
		return nil, status.Error(codes.InvalidArgument, err.Error())
	}
	for key, v := range out {
		state[key] = v
	}
	for _, name := range k.secrets {
		key := resource.PropertyKey(name)
		state[key] = resource.MakeSecret(state[key])
	}
	props, err := plugin.MarshalProperties(state, wire)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.CreateResponse{Id: id, Properties: props}, nil
}

// Read returns the state as recorded: a random value has nothing outside Pulumi to drift from.
func (p *provider) Read(_ context.Context, req *pulumirpc.ReadRequest) (*pulumirpc.ReadResponse, error) {
	if _, _, err := kindOf(req.Urn); err != nil {
		return nil, err
	}
	if len(req.GetProperties().GetFields()) == 0 {
		return nil, status.Errorf(codes.Unimplemented, "the random stand-in cannot import %s", req.Urn)
	}
	return &pulumirpc.ReadResponse{Id: req.Id, Properties: req.Properties, Inputs: req.Inputs}, nil
}

func (p *provider) Update(_ context.Context, req *pulumirpc.UpdateRequest) (*pulumirpc.UpdateResponse, error) {
	return nil, status.Errorf(codes.FailedPrecondition, "%s changes only by replacement", req.Urn)
}

func (p *provider) Delete(_ context.Context, req *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	_, _, err := kindOf(req.Urn)
	return &emptypb.Empty{}, err
}
