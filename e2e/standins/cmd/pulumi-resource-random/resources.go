package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"strconv"

	"github.com/google/uuid"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	"golang.org/x/crypto/bcrypt"
)

// kind is one resource type of the random package: its inputs (with their defaults), which
// outputs are secret, and how a value is made. Every input forces a replacement, as in the
// Terraform provider pulumi-random bridges: a random value never changes in place.
type kind struct {
	inputs  map[string]input
	secrets []string
	make    func(in resource.PropertyMap) (id string, out resource.PropertyMap, err error)
}

type input struct {
	typ      string // "number", "bool", "string", "object", "array"
	required bool
	fallback resource.PropertyValue // the default; null when there is none
}

func num(required bool, fallback ...float64) input {
	in := input{typ: "number", required: required, fallback: resource.NewNullProperty()}
	if len(fallback) > 0 {
		in.fallback = resource.NewProperty(fallback[0])
	}
	return in
}

func boolean(fallback bool) input {
	return input{typ: "bool", fallback: resource.NewProperty(fallback)}
}

func text() input   { return input{typ: "string", fallback: resource.NewNullProperty()} }
func object() input { return input{typ: "object", fallback: resource.NewNullProperty()} }
func list(r bool) input {
	return input{typ: "array", required: r, fallback: resource.NewNullProperty()}
}

const (
	lowerChars   = "abcdefghijklmnopqrstuvwxyz"
	upperChars   = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	numericChars = "0123456789"
	// The Terraform provider's special characters when overrideSpecial is not given.
	defaultSpecial = "!@#$%&*()-_=+[]{}<>:?"
)

func stringInputs() map[string]input {
	return map[string]input{
		"keepers": object(), "length": num(true), "lower": boolean(true), "upper": boolean(true),
		"numeric": boolean(true), "number": boolean(true), "special": boolean(true),
		"minLower": num(false, 0), "minUpper": num(false, 0), "minNumeric": num(false, 0),
		"minSpecial": num(false, 0), "overrideSpecial": text(),
	}
}

var kinds = map[string]kind{
	"random:index/randomPassword:RandomPassword": {
		inputs: stringInputs(), secrets: []string{"result", "bcryptHash"},
		make: func(in resource.PropertyMap) (string, resource.PropertyMap, error) {
			result, err := randomString(in)
			if err != nil {
				return "", nil, err
			}
			hash, err := bcrypt.GenerateFromPassword([]byte(result), bcrypt.DefaultCost)
			if err != nil {
				return "", nil, err
			}
			return "none", resource.PropertyMap{
				"result": resource.NewProperty(result), "bcryptHash": resource.NewProperty(string(hash)),
			}, nil
		},
	},
	"random:index/randomString:RandomString": {
		inputs: stringInputs(),
		make: func(in resource.PropertyMap) (string, resource.PropertyMap, error) {
			result, err := randomString(in)
			if err != nil {
				return "", nil, err
			}
			return result, resource.PropertyMap{"result": resource.NewProperty(result)}, nil
		},
	},
	"random:index/randomId:RandomId": {
		inputs: map[string]input{"keepers": object(), "byteLength": num(true), "prefix": text()},
		make: func(in resource.PropertyMap) (string, resource.PropertyMap, error) {
			n := int(in["byteLength"].NumberValue())
			if n < 1 {
				return "", nil, errors.New("byteLength must be at least 1")
			}
			raw := make([]byte, n)
			if _, err := rand.Read(raw); err != nil {
				return "", nil, err
			}
			prefix := ""
			if p := in["prefix"]; p.IsString() {
				prefix = p.StringValue()
			}
			b64URL := prefix + base64.RawURLEncoding.EncodeToString(raw)
			return b64URL, resource.PropertyMap{
				"b64Url": resource.NewProperty(b64URL),
				"b64Std": resource.NewProperty(prefix + base64.StdEncoding.EncodeToString(raw)),
				"hex":    resource.NewProperty(prefix + hex.EncodeToString(raw)),
				"dec":    resource.NewProperty(prefix + new(big.Int).SetBytes(raw).String()),
			}, nil
		},
	},
	"random:index/randomBytes:RandomBytes": {
		inputs: map[string]input{"keepers": object(), "length": num(true)}, secrets: []string{"base64", "hex"},
		make: func(in resource.PropertyMap) (string, resource.PropertyMap, error) {
			n := int(in["length"].NumberValue())
			if n < 1 {
				return "", nil, errors.New("length must be at least 1")
			}
			raw := make([]byte, n)
			if _, err := rand.Read(raw); err != nil {
				return "", nil, err
			}
			encoded := base64.StdEncoding.EncodeToString(raw)
			return "none", resource.PropertyMap{
				"base64": resource.NewProperty(encoded), "hex": resource.NewProperty(hex.EncodeToString(raw)),
			}, nil
		},
	},
	"random:index/randomInteger:RandomInteger": {
		inputs: map[string]input{"keepers": object(), "min": num(true), "max": num(true), "seed": text()},
		make: func(in resource.PropertyMap) (string, resource.PropertyMap, error) {
			lo, hi := int64(in["min"].NumberValue()), int64(in["max"].NumberValue())
			if hi < lo {
				return "", nil, fmt.Errorf("min (%d) must be at most max (%d)", lo, hi)
			}
			var pick int64
			if seed := in["seed"]; seed.IsString() && seed.StringValue() != "" {
				// A seed makes the result reproducible, as the Terraform provider's documents.
				var s [32]byte
				copy(s[:], seed.StringValue())
				pick = lo + mrand.New(mrand.NewChaCha8(s)).Int64N(hi-lo+1) //nolint:gosec // seeded on purpose
			} else {
				r, err := rand.Int(rand.Reader, big.NewInt(hi-lo+1))
				if err != nil {
					return "", nil, err
				}
				pick = lo + r.Int64()
			}
			return strconv.FormatInt(pick, 10), resource.PropertyMap{"result": resource.NewProperty(float64(pick))}, nil
		},
	},
	"random:index/randomUuid:RandomUuid":   uuidKind(uuid.NewRandom),
	"random:index/randomUuid4:RandomUuid4": uuidKind(uuid.NewRandom),
	"random:index/randomUuid7:RandomUuid7": uuidKind(uuid.NewV7),
}

func uuidKind(next func() (uuid.UUID, error)) kind {
	return kind{
		inputs: map[string]input{"keepers": object()},
		make: func(resource.PropertyMap) (string, resource.PropertyMap, error) {
			u, err := next()
			if err != nil {
				return "", nil, err
			}
			return u.String(), resource.PropertyMap{"result": resource.NewProperty(u.String())}, nil
		},
	}
}

// randomString draws a RandomString / RandomPassword value: first the minimum count of each
// class, then the rest from every enabled class, then a shuffle, all from crypto/rand.
func randomString(in resource.PropertyMap) (string, error) {
	length := int(in["length"].NumberValue())
	flag := func(key resource.PropertyKey) bool { return in[key].IsBool() && in[key].BoolValue() }
	count := func(key resource.PropertyKey) int {
		if v := in[key]; v.IsNumber() {
			return int(v.NumberValue())
		}
		return 0
	}
	special := defaultSpecial
	if o := in["overrideSpecial"]; o.IsString() && o.StringValue() != "" {
		special = o.StringValue()
	}
	classes := []struct {
		on    bool
		chars string
		min   int
	}{
		{flag("lower"), lowerChars, count("minLower")},
		{flag("upper"), upperChars, count("minUpper")},
		{flag("numeric") && flag("number"), numericChars, count("minNumeric")},
		{flag("special"), special, count("minSpecial")},
	}
	var out []byte
	all := ""
	for _, c := range classes {
		if !c.on {
			continue
		}
		all += c.chars
		for range c.min {
			b, err := pick(c.chars)
			if err != nil {
				return "", err
			}
			out = append(out, b)
		}
	}
	if all == "" {
		return "", errors.New("at least one of lower, upper, numeric and special must be true")
	}
	if length < len(out) {
		return "", fmt.Errorf("length (%d) is less than the sum of the minimum counts (%d)", length, len(out))
	}
	for len(out) < length {
		b, err := pick(all)
		if err != nil {
			return "", err
		}
		out = append(out, b)
	}
	for i := len(out) - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			return "", err
		}
		out[i], out[j.Int64()] = out[j.Int64()], out[i]
	}
	return string(out), nil
}

func pick(chars string) (byte, error) {
	i, err := rand.Int(rand.Reader, big.NewInt(int64(len(chars))))
	if err != nil {
		return 0, err
	}
	return chars[i.Int64()], nil
}
