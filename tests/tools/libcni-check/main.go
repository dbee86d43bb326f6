// libcni-check: CHECK of an existing attachment through the real libcni (the library
// podman 4, containerd and CRI-O use), with the runtime's own container ID. cnitool
// cannot do this: it names the container after a hash of the netns path. The
// CNI_ARGS and capability arguments of the ADD come from libcni's cache, as a
// runtime's CHECK would send them.
//
//	usage: libcni-check CONFLIST CONTAINER_ID NETNS [IFNAME]   (CNI_PATH: plugin dirs)
//
// Built by scripts/build-cnitool.sh, offline, against Debian's libcni.
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/containernetworking/cni/libcni"
)

func main() {
	if len(os.Args) < 4 || len(os.Args) > 5 {
		fmt.Fprintln(os.Stderr, "usage: libcni-check CONFLIST CONTAINER_ID NETNS [IFNAME]")
		os.Exit(2)
	}
	list, err := libcni.ConfListFromFile(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "libcni-check:", err)
		os.Exit(1)
	}
	rt := &libcni.RuntimeConf{ContainerID: os.Args[2], NetNS: os.Args[3], IfName: "eth0"}
	if len(os.Args) == 5 {
		rt.IfName = os.Args[4]
	}
	cninet := libcni.NewCNIConfig(filepath.SplitList(os.Getenv("CNI_PATH")), nil)
	_, cached, err := cninet.GetNetworkListCachedConfig(list, rt)
	if err != nil {
		fmt.Fprintln(os.Stderr, "libcni-check:", err)
		os.Exit(1)
	}
	if cached == nil {
		fmt.Fprintf(os.Stderr, "libcni-check: no cached attachment %s/%s on %s\n",
			rt.ContainerID, rt.IfName, list.Name)
		os.Exit(1)
	}
	if err := cninet.CheckNetworkList(context.Background(), list, cached); err != nil {
		fmt.Fprintln(os.Stderr, "libcni-check:", err)
		os.Exit(1)
	}
}
