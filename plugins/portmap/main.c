// SPDX-License-Identifier: Apache-2.0
#include "plugins/portmap/portmap.h"

int main(void)
{
	return cni_plugin_main(&pm_ops);
}
