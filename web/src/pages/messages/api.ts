import { api } from '../../api/client';

// 消息 (SPEC P-6): the enterprise inbox — policy pushes and the like.

export interface Message {
  id: number;
  kind: string;
  title: string;
  body: string;
  /** In-app path, e.g. /policies/12. */
  link: string | null;
  createdAt: string;
  read: boolean;
}

export interface MessagePage {
  items: Message[];
  total: number;
  unread: number;
}

export const messageKeys = {
  all: ['messages'] as const,
  unread: ['messages', 'unread'] as const,
  page: (page: number, pageSize: number) => ['messages', 'page', page, pageSize] as const,
};

export function fetchMessages(page: number, pageSize: number): Promise<MessagePage> {
  return api.get<MessagePage>('/api/v1/messages', { page, pageSize });
}

export function markMessageRead(id: number): Promise<void> {
  return api.post<void>(`/api/v1/messages/${id}/read`);
}
