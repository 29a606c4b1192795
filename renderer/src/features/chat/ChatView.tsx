import { useAppStore } from '../../app/store';
import { BackendNotice } from './BackendNotice';
import { ChatSettingsButton } from './ChatSettingsPanel';
import { Composer } from './Composer';
import { ChatExportButton } from '../data/ChatExportButton';
import { MessageList } from './MessageList';
import { ModelPicker } from './ModelPicker';

export function ChatView() {
  const title = useAppStore((s) => s.chats.find((c) => c.id === s.activeChatId)?.title ?? 'New chat');
  const chatError = useAppStore((s) => s.chatError);
  return (
    <section className="chat-view">
      <header className="chat-header">
        <h1 className="chat-title">{title}</h1>
        <ModelPicker />
        <ChatSettingsButton />
        <ChatExportButton />
      </header>
      <BackendNotice />
      <MessageList />
      {chatError && (
        <div className="banner banner-error" role="alert">
          {chatError}
        </div>
      )}
      <Composer />
    </section>
  );
}
