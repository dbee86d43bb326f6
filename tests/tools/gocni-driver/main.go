// gocni-driver: the CNI calls containerd's CRI plugin (Kubernetes pods) makes, through
// the real go-cni library it uses: go-cni loaded as CRI loads it (the loopback network
// plus the first conflist of CONFDIR, plugins from PLUGINDIR), the pod's labels as
// CNI_ARGS (K8S_POD_NAMESPACE, K8S_POD_NAME, K8S_POD_INFRA_CONTAINER_ID, K8S_POD_UID,
// IgnoreUnknown), and hostPorts and the bandwidth annotations as go-cni's capability
// args, which it serialises from Go structs without JSON tags ("HostPort",
// "IngressRate", ...). The burst for a bandwidth annotation is math.MaxUint32, as the
// CRI plugin sends it (Kubernetes has no burst).
//
//	usage: gocni-driver add|del|check CONFDIR PLUGINDIR SANDBOX_ID NETNS POD_NS POD_NAME
//	                    [-p HOSTPORT:CONTAINERPORT[/PROTO][@HOSTIP]]... [-i INGRESS_BPS] [-e EGRESS_BPS]
//
// add prints the pod's eth0 address (as CRI reads it). del with NETNS "" is the DEL
// CRI sends when the sandbox's netns is already gone.
// Built by scripts/build-cnitool.sh, offline, against Debian's go-cni.
package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	cni "github.com/containerd/go-cni"
)

func die(err error) {
	fmt.Fprintln(os.Stderr, "gocni-driver:", err)
	os.Exit(1)
}

// port parses HOST:CONTAINER[/PROTO][@HOSTIP] into go-cni's PortMapping, the protocol
// lower-cased as CRI's toCNIPortMappings does.
func port(s string) cni.PortMapping {
	m := cni.PortMapping{Protocol: "tcp"}
	if i := strings.Index(s, "@"); i >= 0 {
		m.HostIP, s = s[i+1:], s[:i]
	}
	if i := strings.Index(s, "/"); i >= 0 {
		m.Protocol, s = strings.ToLower(s[i+1:]), s[:i]
	}
	hc := strings.SplitN(s, ":", 2)
	if len(hc) != 2 {
		die(fmt.Errorf("bad port mapping %q", s))
	}
	h, err1 := strconv.ParseInt(hc[0], 10, 32)
	c, err2 := strconv.ParseInt(hc[1], 10, 32)
	if err1 != nil || err2 != nil {
		die(fmt.Errorf("bad port mapping %q", s))
	}
	m.HostPort, m.ContainerPort = int32(h), int32(c)
	return m
}

func main() {
	a := os.Args
	if len(a) < 8 {
		fmt.Fprintln(os.Stderr, "usage: gocni-driver add|del|check CONFDIR PLUGINDIR SANDBOX_ID NETNS POD_NS POD_NAME [-p H:C[/PROTO][@IP]]... [-i BPS] [-e BPS]")
		os.Exit(2)
	}
	verb, confDir, pluginDir, id, netns, podNS, podName := a[1], a[2], a[3], a[4], a[5], a[6], a[7]
	var ports []cni.PortMapping
	var bw cni.BandWidth
	if (len(a)-8)%2 != 0 {
		die(fmt.Errorf("option %q wants a value", a[len(a)-1]))
	}
	for i := 8; i+1 < len(a); i += 2 {
		v, err := strconv.ParseUint(a[i+1], 10, 64)
		switch a[i] {
		case "-p":
			ports = append(ports, port(a[i+1]))
			continue
		case "-i":
			bw.IngressRate, bw.IngressBurst = v, math.MaxUint32
		case "-e":
			bw.EgressRate, bw.EgressBurst = v, math.MaxUint32
		default:
			die(fmt.Errorf("unknown option %q", a[i]))
		}
		if err != nil {
			die(err)
		}
	}

	// As CRI's initPlatform and its network load do (two networks: lo + the pod's).
	plugin, err := cni.New(cni.WithMinNetworkCount(2), cni.WithPluginConfDir(confDir),
		cni.WithPluginMaxConfNum(1), cni.WithPluginDir([]string{pluginDir}))
	if err != nil {
		die(err)
	}
	if err := plugin.Load(cni.WithLoNetwork, cni.WithDefaultConf); err != nil {
		die(err)
	}
	// As CRI's cniNamespaceOpts does.
	opts := []cni.NamespaceOpts{
		cni.WithLabels(map[string]string{
			"K8S_POD_NAMESPACE":          podNS,
			"K8S_POD_NAME":               podName,
			"K8S_POD_INFRA_CONTAINER_ID": id,
			"K8S_POD_UID":                "uid-" + podName,
			"IgnoreUnknown":              "1",
		}),
		cni.WithCapability("io.kubernetes.cri.pod-annotations", map[string]string{}),
	}
	if len(ports) > 0 {
		opts = append(opts, cni.WithCapabilityPortMap(ports))
	}
	if bw.IngressRate > 0 || bw.EgressRate > 0 {
		opts = append(opts, cni.WithCapabilityBandWidth(bw))
	}
	ctx := context.Background()
	switch verb {
	case "add":
		res, err := plugin.Setup(ctx, id, netns, opts...)
		if err != nil {
			die(err)
		}
		eth0, ok := res.Interfaces["eth0"]
		if !ok || len(eth0.IPConfigs) == 0 {
			die(fmt.Errorf("the result has no eth0 address"))
		}
		fmt.Println(eth0.IPConfigs[0].IP.String())
	case "del":
		if err := plugin.Remove(ctx, id, netns, opts...); err != nil {
			die(err)
		}
	case "check":
		if err := plugin.Check(ctx, id, netns, opts...); err != nil {
			die(err)
		}
	default:
		die(fmt.Errorf("unknown verb %q", verb))
	}
}
