// SPDX-License-Identifier: Apache-2.0
#include "plugins/dnsname/dnsname.h"

int main(void)
{
	return cni_plugin_main(&dn_ops);
}
